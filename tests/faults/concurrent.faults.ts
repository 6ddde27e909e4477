import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';
import { MEASURING_LOCK_FILE } from '../../harness/util/measuring-lock.ts';
import { type FaultRun, readRunResults, reap, report, SMALL_RUN, shellStatus, sleep, startRun, waitForOutput, waitUntilGone } from './support.ts';

const runs: FaultRun[] = [];
const files: string[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
  for (const file of files.splice(0)) rmSync(file, { recursive: true, force: true });
});

const NOTHING = { processes: [], dataDirs: [], listening: [], containers: [] };
const WAITING = /another crossover run \(pid (\d+), ([^)]+)\) is measuring on this machine; waiting, Ctrl-C to stop/;

interface Window {
  cell: string;
  fromMs: number;
  toMs: number;
}

interface RepeatView {
  startedAt: string;
  measurement: { durationS: number };
  resources?: { neighbours?: { coreShare: number; stealShare: number; top: { pid: number; comm: string; coreShare: number }[] } };
}

interface RunView {
  status: string;
  config: { warmupS: number };
  warnings: { code: string; message: string }[];
  cells: { id: string; repeats: RepeatView[] }[];
}

function readRun(out: string): RunView {
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunView;
}

/** Every load run of a repeat, from its start (warm-up included) to the end of its measured window. */
function windows(run: RunView): Window[] {
  return run.cells.flatMap((c) =>
    c.repeats.map((r) => {
      const fromMs = Date.parse(r.startedAt);
      return { cell: c.id, fromMs, toMs: fromMs + (run.config.warmupS + r.measurement.durationS) * 1000 };
    }),
  );
}

/** The pid and results folder in the measuring lock, or undefined when no run holds it. */
function lockHolder(): { pid: number; out: string | undefined } | undefined {
  if (!existsSync(MEASURING_LOCK_FILE)) return undefined;
  const [owner = '', out] = readFileSync(MEASURING_LOCK_FILE, 'utf8').split('\n');
  return { pid: Number(owner.split(' ')[0]), out: out || undefined };
}

async function waitForLock(run: FaultRun, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (lockHolder()?.pid !== run.pgid) {
    if (Date.now() > deadline) throw new Error(`${run.name} never took the measuring lock; output:\n${run.output()}`);
    await sleep(100);
  }
}

describe('two runs at once', () => {
  it('started together with the default folder: both complete, in two folders, on their own ports; their measured windows never overlap, and the one that waited said so', async () => {
    const started = Date.now();
    // No --out: both ask for results/<same stamp>-quick.
    const a = startRun('concurrent-a', SMALL_RUN, { via: 'node', outArg: false });
    const b = startRun('concurrent-b', SMALL_RUN, { via: 'node', outArg: false });
    runs.push(a, b);
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    const outs = [a, b].map((r) => /writing to (\S+)/.exec(r.output())?.[1]);
    files.push(...outs.filter((o): o is string => o !== undefined).map((o) => path.resolve(REPO_ROOT, o)));
    for (const [run, exit] of [
      [a, ea],
      [b, eb],
    ] as const) {
      report(run.name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - started) / 1000 });
      expect(shellStatus(exit), run.output()).toBe(0);
    }
    expect(outs[0]).toBeDefined();
    expect(outs[1]).toBeDefined();
    expect(outs[0]).not.toBe(outs[1]);
    for (const out of outs) expect(existsSync(path.join(REPO_ROOT, out!, 'results.json'))).toBe(true);
    // Each run's database and app on ports of its own.
    const portsOf = (r: FaultRun) => new Set([...r.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]));
    const shared = [...portsOf(a)].filter((p) => portsOf(b).has(p));
    expect(shared).toEqual([]);

    // One of them measured first; the other waited, naming it, and measured only after it.
    const waiters = [a, b].filter((r) => WAITING.test(r.output()));
    expect(
      waiters.map((r) => r.name),
      `${a.output()}\n---\n${b.output()}`,
    ).toHaveLength(1);
    const waiter = waiters[0]!;
    const first = waiter === a ? b : a;
    const [line, holderPid, holderOut] = WAITING.exec(waiter.output())!;
    console.log(`fault case concurrent: ${waiter.name} printed: ${line}`);
    expect(Number(holderPid)).toBe(first.pgid);
    expect(path.resolve(REPO_ROOT, holderOut!)).toBe(path.resolve(REPO_ROOT, outs[waiter === a ? 1 : 0]!));
    expect(waiter.output()).toMatch(/waited \S+ for the other run \(not counted in elapsed time or ETA\); measuring now/);
    const firstWindows = windows(readRun(path.resolve(REPO_ROOT, outs[waiter === a ? 1 : 0]!)));
    const laterWindows = windows(readRun(path.resolve(REPO_ROOT, outs[waiter === a ? 0 : 1]!)));
    expect(firstWindows.length).toBeGreaterThan(0);
    expect(laterWindows.length).toBeGreaterThan(0);
    for (const x of firstWindows) for (const y of laterWindows) expect(x.toMs <= y.fromMs || y.toMs <= x.fromMs, `${x.cell} and ${y.cell} overlap`).toBe(true);
    const gapS = (Math.min(...laterWindows.map((w) => w.fromMs)) - Math.max(...firstWindows.map((w) => w.toMs))) / 1000;
    console.log(
      `fault case concurrent: ${first.name} measured first; ${waiter.name} waited, and its first window began ${gapS.toFixed(1)} s after the other's last ended`,
    );
    expect(gapS).toBeGreaterThan(0);
    for (const run of [a, b]) expect((await waitUntilGone(run, 5_000)).left).toEqual(NOTHING);
    expect(lockHolder()).toBeUndefined();
  });

  it('with the lock out of the way (a lock file each), two runs measure at once, and at least one is flagged DISTURBED', async () => {
    const args = ['--frameworks', 'flask', '--scenarios', 'json', '--duration', '3', '--warmup', '0', '--repeat', '2', '--runtime', 'local'];
    const lockOf = (name: string) => path.join(os.tmpdir(), `crossover-fault-lock-${name}-${process.pid}.lock`);
    files.push(lockOf('a'), lockOf('b'));
    const started = Date.now();
    const a = startRun('bypass-a', args, { via: 'node', env: { CROSSOVER_MEASURING_LOCK: lockOf('a') } });
    const b = startRun('bypass-b', args, { via: 'node', env: { CROSSOVER_MEASURING_LOCK: lockOf('b') } });
    runs.push(a, b);
    const exits = await Promise.all([a.exit, b.exit]);
    const flagged: string[] = [];
    for (const [i, run] of [a, b].entries()) {
      const exit = exits[i]!;
      const results = readRun(run.out);
      const disturbed = results.cells.flatMap((c) => c.repeats.filter((r) => (r.resources?.neighbours?.coreShare ?? 0) > 0.1).map(() => c.id));
      report(run.name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - started) / 1000, status: results.status });
      console.log(
        `fault case ${run.name}: others per repeat ${results.cells.flatMap((c) => c.repeats.map((r) => r.resources?.neighbours?.coreShare.toFixed(2))).join(', ')}`,
      );
      expect(WAITING.test(run.output())).toBe(false);
      if (disturbed.length === 0) continue;
      flagged.push(run.name);
      expect(results.warnings.find((w) => w.code === 'DISTURBED')?.message).toContain(disturbed[0]);
      expect(run.output()).toMatch(/^! DISTURBED: /m);
    }
    expect(flagged.length, `${a.output()}\n---\n${b.output()}`).toBeGreaterThan(0);
  });

  it('--no-wait while another run measures exits 3 at once with one line, creates no folder and leaves nothing; Ctrl-C while waiting exits 130 and leaves nothing', async () => {
    // A run that holds the lock long enough for both checks.
    const a = startRun('holder', ['--frameworks', 'flask', '--scenarios', 'json', '--duration', '30', '--warmup', '0', '--runtime', 'local'], { via: 'node' });
    runs.push(a);
    await waitForLock(a);
    expect(lockHolder()?.out).toBe(a.out);

    const refused = startRun('no-wait', [...SMALL_RUN, '--no-wait'], { via: 'node' });
    runs.push(refused);
    const exit = await refused.exit;
    const errorLines = refused
      .output()
      .split('\n')
      .filter((l) => l.startsWith('error: '));
    report('no-wait', { code: exit.code, signal: exit.signal, exitS: (exit.atMs - refused.startedAt) / 1000 });
    expect(shellStatus(exit), refused.output()).toBe(3);
    expect(errorLines).toEqual([`error: another crossover run (pid ${a.pgid}, ${a.out}) is measuring on this machine, and --no-wait was given`]);
    expect(existsSync(refused.out)).toBe(false);
    expect((await waitUntilGone(refused, 5_000)).left).toEqual(NOTHING);
    expect(exit.atMs - refused.startedAt).toBeLessThan(10_000);

    const waiting = startRun('waiting', SMALL_RUN, { via: 'node' });
    runs.push(waiting);
    await waitForOutput(waiting, WAITING);
    const signalledAt = Date.now();
    process.kill(-waiting.pgid, 'SIGINT');
    const stopped = await waiting.exit;
    const { left, goneAtMs } = await waitUntilGone(waiting, 10_000);
    const results = readRunResults(waiting);
    report('ctrl-c-while-waiting', {
      code: stopped.code,
      signal: stopped.signal,
      exitS: (stopped.atMs - signalledAt) / 1000,
      goneS: (goneAtMs - signalledAt) / 1000,
      status: results?.status,
    });
    expect(shellStatus(stopped), waiting.output()).toBe(130);
    expect(stopped.atMs - signalledAt).toBeLessThan(5_000);
    expect(left, waiting.output()).toEqual(NOTHING);
    // Its folder holds the record of a run that never measured, not an empty folder.
    expect(results?.status).toBe('interrupted');
    expect(results?.cells.every((c) => c.repeats.length === 0)).toBe(true);
    // The lock is still the measuring run's.
    expect(lockHolder()?.pid).toBe(a.pgid);

    // Ctrl-C to the measuring run releases the lock.
    process.kill(-a.pgid, 'SIGINT');
    expect(shellStatus(await a.exit)).toBe(130);
    expect(lockHolder()).toBeUndefined();
  });
});
