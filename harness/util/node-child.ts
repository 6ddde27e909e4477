import { existsSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';

/**
 * Whether the harness runs as compiled JavaScript (dist/, what `npx crossover` runs) rather
 * than as TypeScript through a loader (vitest, tsx). Compiled, every child is plain `node` on
 * its compiled sibling, so the process that measures carries no esbuild or loader hooks.
 */
const RUNNING_COMPILED = import.meta.url.endsWith('.js');

export interface NodeChildOptions {
  /** Absolute path of a .ts entry point; run as its compiled .js sibling when the harness is compiled. */
  script: string;
  args: string[];
  /** CPUs the child is pinned to with taskset (when pin is true). */
  cpus: number[];
  pin: boolean;
  /**
   * Run the child at this nice value (`nice -n`), so that on a shared core it is woken ahead of
   * processes at the default. Only for children that sleep most of the time and must act at exact
   * instants (the open-loop generator); below 0 needs root: the caller checks mayRaisePriority().
   */
  niceness?: number | undefined;
  /** The child is killed after this long: every load run is bounded. */
  timeoutS: number;
  what: string;
  onPid?: ((pid: number) => void) | undefined;
  /** The child printed `measuring` on stderr: its warm-up is over. */
  onMeasureStart?: (() => void) | undefined;
}

/** How a Node child is started: as compiled JavaScript, or as TypeScript through tsx. */
export interface NodeChildMode {
  compiled: boolean;
  /** The node binary (process.execPath). */
  nodePath: string;
  /** tsx's loader, by absolute URL so children work whatever the current directory is; asked only for TypeScript. */
  tsxLoader: () => string;
}

/** The running harness's own mode. */
export const CURRENT_MODE: NodeChildMode = {
  compiled: RUNNING_COMPILED,
  nodePath: process.execPath,
  tsxLoader: () => import.meta.resolve('tsx'),
};

/** The compiled sibling of a .ts entry point (dist/load/x.ts -> dist/load/x.js). */
export function compiledScript(script: string): string {
  return script.endsWith('.ts') ? `${script.slice(0, -'.ts'.length)}.js` : script;
}

/**
 * The file and argv that start a child: plain `node script.js args` when compiled,
 * `node --import tsx script.ts args` otherwise; behind `taskset -c` when pinned.
 */
export function nodeChildArgv(
  o: Pick<NodeChildOptions, 'script' | 'args' | 'cpus' | 'pin' | 'niceness'>,
  mode: NodeChildMode,
): { file: string; args: string[] } {
  const nodeArgs = mode.compiled ? [compiledScript(o.script), ...o.args] : ['--import', mode.tsxLoader(), o.script, ...o.args];
  const pinned = o.pin ? ['taskset', '-c', o.cpus.join(','), mode.nodePath, ...nodeArgs] : [mode.nodePath, ...nodeArgs];
  // nice execs taskset, which execs node: the pid is node's, its nice value and affinity inherited.
  const argv = o.niceness === undefined ? pinned : ['nice', '-n', String(o.niceness), ...pinned];
  return { file: argv[0]!, args: argv.slice(1) };
}

/** Whether this process may start children at a negative nice value (root). */
export function mayRaisePriority(): boolean {
  return process.getuid?.() === 0;
}

function spawnChild(o: NodeChildOptions): ResultPromise<{ reject: false; timeout: number }> {
  if (CURRENT_MODE.compiled && !existsSync(compiledScript(o.script))) {
    throw new BenchError('LOADGEN', `${o.what}: the compiled child ${compiledScript(o.script)} is missing`, { hint: 'run npm run build' });
  }
  const { file, args } = nodeChildArgv(o, CURRENT_MODE);
  return execa(file, args, { reject: false, timeout: o.timeoutS * 1000 });
}

/** Runs a Node child pinned to its CPUs and returns its stdout; fails with its stderr. */
export async function runNodeChild(o: NodeChildOptions): Promise<string> {
  const child = spawnChild(o);
  const unregister = onCleanup(o.what, async () => {
    child.kill('SIGKILL');
  });
  if (child.pid !== undefined) o.onPid?.(child.pid);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('measuring')) o.onMeasureStart?.();
  });
  const done = await child;
  unregister();
  if (done.timedOut) throw new BenchError('LOADGEN', `${o.what} did not finish within ${o.timeoutS} s`);
  if (done.exitCode !== 0) {
    const tail = String(done.stderr)
      .trim()
      .split('\n')
      .filter((l) => l !== 'measuring')
      .slice(-3)
      .join(' | ');
    throw new BenchError('LOADGEN', `${o.what} exited with ${done.exitCode ?? done.signal}: ${tail}`);
  }
  return String(done.stdout);
}

/** Starts a long-lived Node child (a server) that prints its port first; returns port and stop. */
export async function startNodeServer(o: Omit<NodeChildOptions, 'onMeasureStart'>): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawnChild(o);
  const stop = async () => {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  };
  const unregister = onCleanup(o.what, stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    void child.then((r) => reject(new BenchError('LOADGEN', `${o.what} exited before listening: ${String(r.stderr).slice(-200)}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      unregister();
      await stop();
    },
  };
}
