import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNAL_EXIT_CODES, type StopSignal } from '../../harness/cleanup.ts';
import { listInterfaces, listNamespaces, runTag } from '../../harness/net/link.ts';
import {
  type FaultRun,
  type Launcher,
  readRunResults,
  reap,
  report,
  runProcesses,
  SMALL_RUN,
  shellStatus,
  startRun,
  waitForMeasurement,
  waitForOutput,
  waitUntilGone,
} from './support.ts';

/** The contract: stopped, with everything it started removed, within 5 s of the signal. */
const STOP_WITHIN_MS = 5_000;

const runs: FaultRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
});

/**
 * Signals `target` ('group': the whole process group, as a terminal or a supervisor does;
 * 'cli': only the node process running the harness) once `when` is reached, then checks
 * the exit code, the time to exit, what was kept and that nothing is left.
 */
async function signalCase(
  name: string,
  o: {
    signal: StopSignal;
    via: Launcher;
    target: 'group' | 'cli';
    when: 'measuring' | 'results started';
    args?: string[];
    /** Checks what runs just before the signal, so a check after it that finds nothing means something. */
    beforeSignal?: (run: FaultRun) => Promise<void>;
  },
) {
  const run = startRun(name, o.args ?? SMALL_RUN, { via: o.via });
  runs.push(run);
  if (o.when === 'measuring') await waitForMeasurement(run);
  // results.json is written right after the database is up, before the ceilings.
  else await waitForOutput(run, /writing to /);
  await o.beforeSignal?.(run);
  const harness = runProcesses(run).find((p) => /(^|\/)node .*bin\/crossover(\.js)? /.test(p.cmdline));
  expect(harness, 'the harness process').toBeDefined();
  const signalledAt = Date.now();
  process.kill(o.target === 'group' ? -run.pgid : harness!.pid, o.signal);
  const exit = await run.exit;
  const { left, goneAtMs } = await waitUntilGone(run, STOP_WITHIN_MS + 5_000);
  const results = readRunResults(run);
  report(name, {
    code: exit.code,
    signal: exit.signal,
    exitS: (exit.atMs - signalledAt) / 1000,
    goneS: (goneAtMs - signalledAt) / 1000,
    status: results?.status,
  });
  expect(left, run.output()).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
  expect(goneAtMs - signalledAt).toBeLessThan(STOP_WITHIN_MS);
  expect(exit.atMs - signalledAt).toBeLessThan(STOP_WITHIN_MS);
  // npm re-raises the signal on itself once crossover has exited; a shell shows both as 128 + n.
  expect(shellStatus(exit), run.output()).toBe(SIGNAL_EXIT_CODES[o.signal]);
  // What was measured is kept, and the run says how it ended.
  expect(results?.status).toBe('interrupted');
  // No cell is saved as measured without a measurement.
  for (const cell of results?.cells ?? []) if (cell.status === 'ok') expect(cell.repeats.length, cell.id).toBeGreaterThan(0);
  return { run, results };
}

describe('signals stop a run within 5 s and leave nothing behind', () => {
  it("SIGINT to the process group of `npx crossover run` mid-cell (a terminal's Ctrl-C) exits 130", async () => {
    await signalCase('sigint-group-npx', { signal: 'SIGINT', via: 'npx', target: 'group', when: 'measuring' });
  });

  it('SIGTERM to the process group of `npx crossover run` mid-cell exits 143, and crossover does not outlive npm', async () => {
    await signalCase('sigterm-group-npx', { signal: 'SIGTERM', via: 'npx', target: 'group', when: 'measuring' });
  });

  it('SIGHUP to the process group of `npm run bench` (a closed terminal) exits 129', async () => {
    // npm run bench passes extra arguments after `--` to `crossover run --profile quick`.
    const run = await signalCase('sighup-group-npm-run', { signal: 'SIGHUP', via: 'npm', target: 'group', when: 'results started' });
    expect(run.run.output()).toMatch(/SIGHUP: stopping/);
  });

  it('SIGTERM to the CLI process alone (a supervisor) exits 143', async () => {
    await signalCase('sigterm-cli', { signal: 'SIGTERM', via: 'node', target: 'cli', when: 'results started' });
  });

  it('SIGINT to the process group mid-cell of a --db-rtt 1 run exits 130 and leaves no namespace, veth, qdisc or delay proxy', async () => {
    // Everything of the path carries the run's tag (harness/net/link.ts runTag): netem's namespaces and veths, the proxy's title.
    const proxies = async (tag: string) => String((await execa('pgrep', ['-f', `crossover-proxy-${tag}`], { reject: false })).stdout).trim();
    const { run } = await signalCase('sigint-db-rtt', {
      signal: 'SIGINT',
      via: 'node',
      target: 'group',
      when: 'measuring',
      args: [...SMALL_RUN, '--db-rtt', '1'],
      // Mid-cell through the path: the proxy (or netem's relays) is running.
      beforeSignal: async (r) => expect(await proxies(runTag(r.runId)), r.output()).not.toBe(''),
    });
    const tag = runTag(run.runId);
    expect(run.output()).toMatch(/network: /);
    expect((await listNamespaces()).filter((n) => n.includes(tag))).toEqual([]);
    const ours = (await listInterfaces()).filter((i) => i.includes(tag.slice(0, 6)));
    expect(ours).toEqual([]);
    const qdiscs = String((await execa('tc', ['qdisc', 'show'], { reject: false })).stdout);
    expect(qdiscs.split('\n').filter((l) => l.includes(tag.slice(0, 6)))).toEqual([]);
    expect(await proxies(tag)).toBe('');
  });

  it('the harness stops by itself when its parent dies (kill -9 of the shell that started it)', async () => {
    const run = startRun('parent-death', SMALL_RUN, { via: 'sh' });
    runs.push(run);
    await waitForOutput(run, /writing to /);
    const killedAt = Date.now();
    process.kill(run.pgid, 'SIGKILL'); // the shell only; crossover is re-parented
    const { left, goneAtMs } = await waitUntilGone(run, STOP_WITHIN_MS + 5_000);
    const results = readRunResults(run);
    report('parent-death', { code: null, signal: 'SIGKILL', exitS: 0, goneS: (goneAtMs - killedAt) / 1000, status: results?.status });
    expect(left, run.output()).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
    // Noticed within one poll (0.5 s), then the usual stop budget.
    expect(goneAtMs - killedAt).toBeLessThan(STOP_WITHIN_MS + 500);
    expect(results?.status).toBe('interrupted');
  });
});
