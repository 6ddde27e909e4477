import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import { CURRENT_MODE, compiledScript, nodeChildArgv } from '../util/node-child.ts';
import type { LoadRunHooks } from './autocannon.ts';

const SERVER_CHILD = fileURLToPath(new URL('./autocannon-server-child.ts', import.meta.url));
/** Loading Node and autocannon takes about 0.5 s here; a child not ready after this is broken. */
const READY_TIMEOUT_S = 30;

interface Pending {
  resolve: (stdout: string) => void;
  reject: (error: Error) => void;
  onMeasureStart?: (() => void) | undefined;
}

/**
 * One autocannon process kept for a whole run (autocannon-server-child.ts): each load run is
 * a line to its stdin, so a window costs its warm-up and measured seconds plus a few
 * milliseconds, not a fresh Node and autocannon. A run that times out or is aborted kills
 * the process; the next run starts a new one. Stopped by `close`, and by the cleanup
 * registry on every other exit.
 */
export class PersistentAutocannon {
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #stderrTail: string[] = [];
  #unregister: (() => void) | undefined;

  constructor(
    private readonly cpus: number[],
    private readonly pin: boolean,
  ) {}

  /** Sends one job (the child's JSON job) and resolves with its output line's `output`, as a JSON string. */
  async run(job: Record<string, unknown>, timeoutS: number, what: string, hooks: LoadRunHooks = {}): Promise<string> {
    const child = await this.#start(what);
    const id = this.#nextId++;
    if (child.pid !== undefined) hooks.onPid?.(child.pid);
    // Registered per run, so it is the newest cleanup while load is under way: on a signal the
    // load stops first, before the app it hammers is asked to stop (cleanups run newest first).
    const unregister = onCleanup(what, async () => this.#kill());
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#kill();
        reject(new BenchError('LOADGEN', `${what} did not finish within ${timeoutS} s`));
      }, timeoutS * 1000);
      const settle =
        <T>(f: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          unregister();
          this.#pending.delete(id);
          f(value);
        };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject), onMeasureStart: hooks.onMeasureStart });
      child.stdin?.write(`${JSON.stringify({ id, job })}\n`);
    });
  }

  /** Stops the process, if one is running; pending runs fail. */
  async close(): Promise<void> {
    const child = this.#child;
    this.#kill();
    if (child && child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }

  async #start(what: string): Promise<ChildProcess> {
    if (this.#child && this.#ready) {
      await this.#ready;
      return this.#child;
    }
    if (CURRENT_MODE.compiled && !existsSync(compiledScript(SERVER_CHILD))) {
      throw new BenchError('LOADGEN', `${what}: the compiled child ${compiledScript(SERVER_CHILD)} is missing`, { hint: 'run npm run build' });
    }
    const { file, args } = nodeChildArgv({ script: SERVER_CHILD, args: [], cpus: this.cpus, pin: this.pin }, CURRENT_MODE);
    // A process group of its own, like the apps and the database: a terminal's Ctrl-C reaches the
    // harness alone, which then stops it in order. If the harness dies outright, its stdin closes
    // and it exits once the job under way (bounded by its duration) ends.
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.#child = child;
    this.#stderrTail = [];
    this.#unregister = onCleanup('the load generator', () => this.close());
    let markReady: () => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    this.#ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const readyTimer = setTimeout(() => {
      failReady(new BenchError('LOADGEN', `the load generator was not ready within ${READY_TIMEOUT_S} s`));
      this.#kill();
    }, READY_TIMEOUT_S * 1000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(readyTimer);
        markReady();
        return;
      }
      this.#answer(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const measuring = /^measuring (\d+)$/.exec(line);
      if (measuring) this.#pending.get(Number(measuring[1]))?.onMeasureStart?.();
      else this.#stderrTail = [...this.#stderrTail, line].slice(-3);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(readyTimer);
      const error = new BenchError(
        'LOADGEN',
        `the load generator exited with ${code ?? signal}${this.#stderrTail.length ? `: ${this.#stderrTail.join(' | ')}` : ''}`,
      );
      failReady(error);
      for (const p of [...this.#pending.values()]) p.reject(error);
      if (this.#child === child) this.#forget();
    });
    child.once('error', (error) => failReady(new BenchError('LOADGEN', `the load generator did not start: ${error.message}`)));
    await this.#ready;
    return child;
  }

  #answer(line: string): void {
    let message: { id: number; output?: unknown; error?: string };
    try {
      message = JSON.parse(line);
    } catch {
      this.#stderrTail = [...this.#stderrTail, line].slice(-3);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.error !== undefined) pending.reject(new BenchError('LOADGEN', `autocannon failed: ${message.error}`));
    else pending.resolve(JSON.stringify(message.output));
  }

  #kill(): void {
    const child = this.#child;
    this.#forget();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  #forget(): void {
    this.#child = undefined;
    this.#ready = undefined;
    this.#unregister?.();
    this.#unregister = undefined;
  }
}
