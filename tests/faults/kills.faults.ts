import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FaultRun,
  readRunResults,
  reap,
  report,
  runProcesses,
  SMALL_RUN,
  shellStatus,
  sleep,
  startRun,
  waitForMeasurement,
  waitUntilGone,
} from './support.ts';

/**
 * A dead database or app must end the run in seconds, not after every remaining cell timed
 * out; 30 s leaves room for the reports and the stop on a loaded 2-core machine.
 */
const EXIT_AFTER_KILL_MS = 30_000;

const runs: FaultRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
});

function postmasterPid(run: FaultRun): number {
  const dir = readdirSync(run.tmp).find((n) => n.startsWith('crossover-pg-'));
  if (!dir) throw new Error(`${run.name}: no data folder in ${run.tmp}`);
  return Number(readFileSync(path.join(run.tmp, dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** gunicorn's master (started by the harness) and its workers, found by the run id in their environment. */
function gunicorn(run: FaultRun): { master: number; workers: number[] } {
  // By an argument whose file name is `gunicorn` (the console script), not by substring: the run's own
  // temporary paths are named after the case (`kill-gunicorn-master`) and appear in the CLI's and PostgreSQL's argv.
  const app = runProcesses(run).filter((p) => p.cmdline.split(' ').some((arg) => path.basename(arg) === 'gunicorn'));
  const pids = new Set(app.map((p) => p.pid));
  const master = app.find((p) => !pids.has(p.ppid));
  if (!master) throw new Error(`${run.name}: no gunicorn master among ${JSON.stringify(app)}`);
  return { master: master.pid, workers: app.filter((p) => p.ppid === master.pid).map((p) => p.pid) };
}

/** Kills `victim` with SIGKILL mid-cell, then checks exit code, timing, statuses and leftovers. */
async function killCase(name: string, victim: (run: FaultRun) => number, expectReason: RegExp, o: { exitWithinMs?: number } = {}) {
  const run = startRun(name, SMALL_RUN, { via: 'node' });
  runs.push(run);
  await waitForMeasurement(run);
  await sleep(500);
  const killedAt = Date.now();
  process.kill(victim(run), 'SIGKILL');
  const exit = await Promise.race([run.exit, sleep(EXIT_AFTER_KILL_MS + 60_000).then(() => undefined)]);
  const { left, goneAtMs } = await waitUntilGone(run, 10_000);
  const results = readRunResults(run);
  report(name, {
    code: exit?.code ?? null,
    signal: exit?.signal,
    exitS: ((exit?.atMs ?? Date.now()) - killedAt) / 1000,
    goneS: (goneAtMs - killedAt) / 1000,
    status: results?.status,
  });
  expect(exit, `${name} did not exit; output:\n${run.output()}`).toBeDefined();
  // Never a false success: infrastructure failed, so exit 3 and a failed run.
  expect(shellStatus(exit!), run.output()).toBe(3);
  if (o.exitWithinMs !== undefined) expect(exit!.atMs - killedAt).toBeLessThan(o.exitWithinMs);
  expect(results?.status).toBe('failed');
  const cell = results?.cells.find((c) => c.id === 'flask/db/c64');
  expect(cell?.status).toBe('failed');
  expect(cell?.failure?.reason).toMatch(expectReason);
  // Kept: results.json and the reports written from it.
  expect(readdirSync(run.out)).toEqual(expect.arrayContaining(['results.json', 'results.md']));
  expect(left, run.output()).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
}

describe('a part that dies mid-cell fails the cell and the run, and nothing is left', () => {
  it('kill -9 of the embedded PostgreSQL postmaster during flask/db exits 3 and names the database', async () => {
    await killCase('kill-postmaster', postmasterPid, /database|postgres/i, { exitWithinMs: EXIT_AFTER_KILL_MS });
  });

  it('kill -9 of a gunicorn worker mid-cell (gunicorn restarts it) is not a success', async () => {
    await killCase('kill-gunicorn-worker', (run) => gunicorn(run).workers[0]!, /error|worker|app/i);
  });

  it('kill -9 of the gunicorn master mid-cell aborts the cell within seconds', async () => {
    await killCase('kill-gunicorn-master', (run) => gunicorn(run).master, /app|exited|gunicorn/i, { exitWithinMs: EXIT_AFTER_KILL_MS });
  });
});
