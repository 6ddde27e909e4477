import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../harness/paths.ts';

/**
 * A real `crossover` process started the way a user starts it, in a process group of its
 * own (so a test can signal the whole group as a terminal does), with a private TMPDIR:
 * the embedded database's data folder and the port locks land there, so leftovers are
 * found without confusing them with other runs on the machine.
 */
export interface FaultRun {
  name: string;
  /** The private temp folder (TMPDIR of the run). */
  tmp: string;
  /** --out; its basename is the run id. */
  out: string;
  runId: string;
  child: ChildProcess;
  /** The process group of the started command (npx, npm or node). */
  pgid: number;
  startedAt: number;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

/** npx crossover, npm run bench, node bin/crossover.js, or node under `sh -c '...; true'` (the shell stays its parent). */
export type Launcher = 'npx' | 'npm' | 'node' | 'sh';

/** The smallest real run: one framework, one scenario, a few seconds, local virtualenvs. */
export const SMALL_RUN = ['--frameworks', 'flask', '--scenarios', 'db', '--duration', '3', '--warmup', '0', '--runtime', 'local'];

export function startRun(
  name: string,
  args: string[],
  o: { via?: Launcher; command?: string; outArg?: boolean; env?: Record<string, string> | undefined } = {},
): FaultRun {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `crossover-fault-${name}-`));
  // As root, PostgreSQL runs as `postgres`, which must reach the data folder inside.
  chmodSync(tmp, 0o755);
  const out = path.join(tmp, `run-${name}`);
  const command = o.command ?? 'run';
  const full = [command, ...args, ...(o.outArg === false ? [] : ['--out', out])];
  const via = o.via ?? 'npx';
  const bin = path.join(REPO_ROOT, 'bin', 'crossover.js');
  const launchers: Record<Launcher, [string, string[]]> = {
    npx: ['npx', ['--no-install', 'crossover', ...full]],
    // `npm run bench` is `crossover run --profile quick`; what follows `--` is appended.
    npm: ['npm', ['run', 'bench', '--', ...full.slice(1)]],
    node: [process.execPath, [bin, ...full]],
    sh: ['sh', ['-c', `${[process.execPath, bin, ...full].map(shellQuote).join(' ')}; true`]],
  };
  const [file, argv] = launchers[via];
  const child = spawn(file, argv, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1', CI: '1', ...o.env },
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const startedAt = Date.now();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  return { name, tmp, out, runId: path.basename(out), child, pgid: child.pid!, startedAt, output: () => text, exit };
}

/** Waits until the run's output matches `pattern`; fails with the output when it exits or times out first. */
export async function waitForOutput(run: FaultRun, pattern: RegExp, timeoutMs = 240_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void run.exit.then(() => (exited = true));
  for (;;) {
    const m = run.output().match(pattern);
    if (m) return m;
    if (exited || Date.now() > deadline) throw new Error(`${run.name}: ${exited ? 'exited' : 'timed out'} before ${pattern}; output:\n${run.output()}`);
    await sleep(100);
  }
}

/**
 * Waits until the cell's load generator is running against the app (the measurement is under
 * way): the run's one autocannon process (autocannon-server-child) is up and the harness has
 * announced a window on flask, whose job it sends at once; then a moment for its connections.
 */
export async function waitForMeasurement(run: FaultRun, timeoutMs = 240_000): Promise<{ appPort: number }> {
  const appPort = Number((await waitForOutput(run, /flask: starting on 127\.0\.0\.1:(\d+)/, timeoutMs))[1]);
  await waitForOutput(run, /measuring flask\/\S+ \(repeat \d+\)/, 60_000);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (runProcesses(run).some((p) => p.cmdline.includes('autocannon-server-child'))) {
      await sleep(300);
      return { appPort };
    }
    await sleep(100);
  }
  throw new Error(`${run.name}: no load generator process; output:\n${run.output()}`);
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function readProc(pid: number): { ppid: number; cmdline: string; environ: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    let environ = '';
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      // A process of another user (not as root) or one that just exited.
    }
    return { ppid, cmdline, environ };
  } catch {
    return undefined;
  }
}

/**
 * Every live process that belongs to the run: it inherited the run's TMPDIR (the harness,
 * npm, node children, PostgreSQL), carries its run id (the apps), or names its temp folder
 * on its command line (the postmaster's -D).
 */
export function runProcesses(run: FaultRun): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const p = readProc(pid);
    if (!p) continue;
    const ours = p.environ.includes(`TMPDIR=${run.tmp}\0`) || p.environ.includes(`CROSSOVER_RUN_ID=${run.runId}\0`) || p.cmdline.includes(run.tmp);
    // Zombies (state Z) have no cmdline and are reaped by their parent: not leftovers.
    if (ours && p.cmdline !== '') found.push({ pid, ppid: p.ppid, cmdline: p.cmdline.trim() });
  }
  return found;
}

/** Ports the run printed (database and apps). */
export function runPorts(run: FaultRun): number[] {
  const text = run.output();
  const ports = [...text.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  return [...new Set(ports)];
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function containersOf(runId: string): Promise<string[]> {
  const r = await execa('docker', ['ps', '-aq', '--filter', `label=crossover-bench.run=${runId}`], { reject: false, timeout: 10_000 });
  // No Docker on this machine: no container can be left.
  return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

export interface Leftovers {
  processes: ProcInfo[];
  dataDirs: string[];
  listening: number[];
  containers: string[];
}

export async function leftovers(run: FaultRun): Promise<Leftovers> {
  const dataDirs = existsSync(run.tmp) ? readdirSync(run.tmp).filter((n) => n.startsWith('crossover-pg-')) : [];
  const listening: number[] = [];
  for (const port of runPorts(run)) if (await portAnswers(port)) listening.push(port);
  return { processes: runProcesses(run), dataDirs, listening, containers: await containersOf(run.runId) };
}

const NOTHING: Leftovers = { processes: [], dataDirs: [], listening: [], containers: [] };

/** Polls until nothing of the run is left (or the timeout); returns what is left and when it was gone. */
export async function waitUntilGone(run: FaultRun, timeoutMs: number): Promise<{ left: Leftovers; goneAtMs: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await leftovers(run);
    if (JSON.stringify(left) === JSON.stringify(NOTHING) || Date.now() > deadline) return { left, goneAtMs: Date.now() };
    await sleep(100);
  }
}

/** Kills whatever a failed case left behind, so one failure does not spoil the next case; removes the temp folder. */
export async function reap(run: FaultRun): Promise<void> {
  try {
    process.kill(-run.pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  for (const p of runProcesses(run)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const id of await containersOf(run.runId)) await execa('docker', ['rm', '-f', id], { reject: false });
  await sleep(300);
  rmSync(run.tmp, { recursive: true, force: true });
}

export interface ResultsView {
  status: string;
  cells: Array<{ id: string; status: string; repeats: unknown[]; failure?: { reason: string } }>;
}

export function readRunResults(run: FaultRun): ResultsView | undefined {
  const file = path.join(run.out, 'results.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ResultsView) : undefined;
}

/** What a shell's `$?` shows: the exit code, or 128 + the number of the signal that ended it. */
export function shellStatus(exit: { code: number | null; signal: NodeJS.Signals | null }): number {
  return exit.code ?? 128 + (exit.signal ? os.constants.signals[exit.signal] : 0);
}

/** One line per case for the integrator's note. */
export function report(name: string, o: { code: number | null; signal?: NodeJS.Signals | null; exitS: number; goneS?: number; status?: string }): void {
  console.log(
    `fault case ${name}: exit ${o.code ?? (o.signal ? `${shellStatus({ code: null, signal: o.signal })} (${o.signal})` : '?')} after ${o.exitS.toFixed(1)} s${o.goneS === undefined ? '' : `, everything gone after ${o.goneS.toFixed(1)} s`}${o.status ? `, results.json status ${o.status}` : ''}`,
  );
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
