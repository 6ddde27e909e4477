import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { AppDefinition } from '../apps/manifest.ts';
import { onCleanup, onExitKill } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import type { PythonInfo } from '../python/discover.ts';
import { parseFreeze } from '../util/freeze.ts';
import { contentHash } from '../util/hash.ts';
import { LineBuffer } from '../util/line-buffer.ts';
import { acquireLock } from '../util/lock.ts';
import { isAlive } from '../util/process.ts';
import { appBaseUrl, DEFAULT_APP_HOST, launchSpec, type PreparedApp, type RunningApp, type Runtime, type StartSpec } from './types.ts';

export interface LocalRuntimeOptions {
  python: PythonInfo;
  /** Where venvs are cached, e.g. `.cache/venvs`. */
  cacheDir: string;
  /** False where `taskset` is missing: the app then runs unpinned and the results say so. */
  pin: boolean;
}

const FREEZE_FILE = 'crossover-freeze.txt';

/** Apps in one virtualenv each, as process groups pinned with taskset. */
export function createLocalRuntime(options: LocalRuntimeOptions): Runtime {
  const running = new Set<LocalApp>();
  return {
    kind: 'local',
    async prepare(app, log) {
      return prepareVenv(app, options, log);
    },
    async start(spec) {
      const app = startProcess(spec, options);
      running.add(app);
      void app.exited.then(() => running.delete(app));
      return app;
    },
    async close() {
      await Promise.all([...running].map((app) => app.stop()));
    },
  };
}

export function venvDir(cacheDir: string, app: AppDefinition, python: PythonInfo, requirementsHash: string): string {
  return path.join(cacheDir, `${app.name}-py${python.version}-${requirementsHash.slice(0, 16)}`);
}

async function prepareVenv(app: AppDefinition, runOptions: LocalRuntimeOptions, log: (line: string) => void): Promise<PreparedApp> {
  // --python a,b: this copy of the app has an interpreter of its own (python/interpreters.ts).
  const options = app.python ? { ...runOptions, python: app.python } : runOptions;
  // Keyed on the interpreter and the requirements only: app source changes need no new venv.
  const hash = await contentHash([app.requirementsPath], [options.python.version, options.python.path]);
  const dir = venvDir(options.cacheDir, app, options.python, hash);
  const freezeFile = path.join(dir, FREEZE_FILE);
  const cached = async (): Promise<PreparedApp> => ({
    app,
    pythonVersion: options.python.version,
    packages: parseFreeze(await readFile(freezeFile, 'utf8')),
    envDir: dir,
    prepareS: 0,
    cached: true,
  });
  if (existsSync(freezeFile)) return cached();
  // Two runs needing the same venv: one builds, the other waits and then uses it (docs/faults.md).
  const lock = await acquireLock(`${dir}.lock`, {
    what: `the ${app.name} virtualenv`,
    errorCode: 'PYTHON',
    onWait: (pid) => log(`${app.name}: waiting for another run building the ${app.name} virtualenv (pid ${pid}, lock ${dir}.lock)`),
  });
  try {
    if (existsSync(freezeFile)) return await cached();
    return await buildVenv(app, options, dir, log);
  } finally {
    lock.release();
  }
}

async function buildVenv(app: AppDefinition, options: LocalRuntimeOptions, dir: string, log: (line: string) => void): Promise<PreparedApp> {
  const started = Date.now();
  // Built beside its final place and renamed at the end, so a half-built venv is never reused.
  const building = `${dir}.building-${process.pid}`;
  await mkdir(options.cacheDir, { recursive: true });
  await removeAbandonedBuilds(options.cacheDir);
  await rm(building, { recursive: true, force: true });
  log(`${app.name}: creating virtualenv with Python ${options.python.version} (cached for later runs)`);
  try {
    await execa(options.python.path, ['-m', 'venv', building], { timeout: 120_000 });
    const pip = path.join(building, 'bin', 'pip');
    await execa(pip, ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', app.requirementsPath], {
      timeout: 600_000,
      all: true,
    });
    const { stdout } = await execa(pip, ['freeze', '--disable-pip-version-check'], { timeout: 60_000 });
    await writeFile(path.join(building, FREEZE_FILE), stdout);
    await rm(dir, { recursive: true, force: true });
    await rename(building, dir);
    // venv scripts carry their absolute path in shebangs; fix them after the rename.
    await rewriteShebangs(path.join(dir, 'bin'), building, dir);
    return { app, pythonVersion: options.python.version, packages: parseFreeze(stdout), envDir: dir, prepareS: (Date.now() - started) / 1000, cached: false };
  } catch (cause) {
    await rm(building, { recursive: true, force: true });
    const output = (cause as { all?: string; stderr?: string }).all ?? (cause as { stderr?: string }).stderr ?? '';
    const tail = output.trim().split('\n').slice(-5).join(' | ');
    throw new BenchError('PYTHON', `${app.name}: installing ${app.requirementsPath} failed${tail ? `: ${tail}` : ''}`, {
      cause,
      hint: 'check that PyPI is reachable and the pinned versions exist for this Python',
    });
  }
}

/**
 * Half-built venvs left by runs that were killed (their pid is gone). This run's own are
 * left alone: other apps' venvs may be building beside this one.
 */
async function removeAbandonedBuilds(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const pid = Number(/\.building-(\d+)$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(path.join(cacheDir, name), { recursive: true, force: true });
  }
}

async function rewriteShebangs(binDir: string, from: string, to: string): Promise<void> {
  for (const name of await readdir(binDir)) {
    const file = path.join(binDir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    if (text.includes(from)) await writeFile(file, text.split(from).join(to));
  }
}

class LocalApp implements RunningApp {
  readonly baseUrl: string;
  readonly resourceTarget: RunningApp['resourceTarget'];
  readonly exited: RunningApp['exited'];
  private readonly logs = new LineBuffer(400);
  private readonly unregister: () => void;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcess,
    host: string,
    port: number,
  ) {
    this.baseUrl = appBaseUrl(host, port);
    const pid = child.pid;
    if (pid === undefined) throw new BenchError('APP_START', 'the app process did not start');
    this.resourceTarget = { kind: 'process-tree', rootPid: pid };
    child.stdout?.on('data', (chunk: Buffer) => this.logs.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.logs.push(chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // Ctrl-C stops it gracefully through the cleanup registry; the exit hook is the last resort.
    const unregisterKill = onExitKill(() => killGroup(pid, 'SIGKILL'));
    const unregisterCleanup = onCleanup(`app process group ${pid}`, () => this.stop());
    this.unregister = () => {
      unregisterKill();
      unregisterCleanup();
    };
  }

  async lastLogLines(count = 20): Promise<string[]> {
    return this.logs.last(count);
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const pid = this.child.pid!;
    killGroup(pid, 'SIGTERM');
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(5000).then(() => true)]);
    // The group leader may be gone while workers linger; SIGKILL the whole group either way.
    killGroup(pid, 'SIGKILL');
    if (timedOut) await Promise.race([this.exited, sleep(2000)]);
    this.unregister();
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function startProcess(spec: StartSpec, options: LocalRuntimeOptions): LocalApp {
  const app = spec.prepared.app;
  const venv = spec.prepared.envDir;
  if (!venv) throw new BenchError('APP_START', `${app.name}: no virtualenv prepared`);
  const launch = launchSpec(spec);
  const [exe, ...args] = launch.argv;
  const executable = path.join(venv, 'bin', exe!);
  const pinned = options.pin ? ['taskset', '-c', spec.cpus.join(','), executable, ...args] : [executable, ...args];
  // `ip netns exec` enters the namespace and execs the rest: the app keeps the pid spawn returns, so it is sampled and stopped as usual.
  const argv = spec.netns ? ['ip', 'netns', 'exec', spec.netns, ...pinned] : pinned;
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.join(venv, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    VIRTUAL_ENV: venv,
    ...launch.env,
    CROSSOVER_RUN_ID: spec.runId,
  };
  // detached: its own process group, so stop() reaches every worker the server forks.
  const child = spawn(argv[0]!, argv.slice(1), { cwd: app.dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) {
    // spawn reports a missing executable asynchronously; without a listener that event would crash the harness.
    child.once('error', () => undefined);
    throw new BenchError('APP_START', `${app.name}: cannot start ${argv[0]}`, {
      hint: `check command[0] in ${path.join(app.dir, 'manifest.json')} and the virtualenv ${venv}`,
    });
  }
  return new LocalApp(child, spec.host ?? DEFAULT_APP_HOST, spec.port);
}
