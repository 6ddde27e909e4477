/**
 * Evidence that the side-by-side schedule and its intervals measure what they claim
 * (docs/analysis.md, "Calibration: a copy 10% slower by construction"). Two copies of one app
 * spin a fixed time per request, 2 ms and 2 / 0.9 ms (tests/fixtures/apps/calib-base),
 * so on any machine the slow copy serves 0.90 of the base copy's requests per second. A
 * real run of both, side by side in seeded rounds, must report the slow copy's share of the
 * fastest as 0.90, with a 95% interval that holds 0.90 and excludes 1.00.
 */
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { StoredInterval } from '../../harness/analysis/ratios.ts';
import { loadApp } from '../../harness/apps/manifest.ts';
import type { RunEvent } from '../../harness/events.ts';
import { readCpuTimes, STEAL_MAX, stealShare } from '../../harness/resources/steal.ts';
import { type CpuReading, foreignCores, readCpu } from '../support/foreign-cpu.ts';
import { FIXTURE_APPS, runApps } from '../support/run.ts';

const BASE = 'calib-base';
const SLOW = 'calib-slow';
const cpuMsOf = async (name: string) => Number((await loadApp(FIXTURE_APPS, name)).env['SPIN_MS_PER_REQUEST']);
/** The ratio by construction, from the two manifests: 2 / 2.2222222 = 0.90000001. */
const TRUE_RATIO = (await cpuMsOf(BASE)) / (await cpuMsOf(SLOW));
/**
 * 9 rounds. The percentile bootstrap of a median of 9 per-round ratios covers the true value
 * about 95% of the time (94.7% in 4,000 simulated runs through harness/analysis/intervals.ts;
 * 11 rounds: 93.5%, 15: 92.5%: an order statistic moves by one at those sizes), and 9 rounds
 * of two 2 s load runs keep an attempt near a minute.
 */
const ROUNDS = 9;
/** Any fixed seed: the same order of the two copies in every round, run after run. */
const SEED = 1;
/**
 * 1 s windows after 1 s of warm-up. Without the warm-up, a window opens when the load
 * generator starts, before its 64 connections are up: quiet runs then lost 4-8% of every
 * window, not equally for the two copies (the per-round ratios read 0.906, and an interval of
 * 0.904-0.914 missed 0.90). After 1 s the windows read 500 and 450 requests/s, as constructed.
 */
const RUN = { scenarios: 'json', runtime: 'local', schedule: 'side-by-side', seed: SEED, repeat: ROUNDS, duration: 1, warmup: 1 } as const;
/**
 * The estimate within 3 points of 0.90: a third of the 10-point difference the test is built
 * to see. Quiet runs read it within 1 point (docs/analysis.md); this catches an estimate far
 * off whose wide interval happens to hold 0.90.
 */
const ESTIMATE_TOLERANCE = 0.03;
/**
 * A load run (warm-up and window) is disturbed when processes outside this test used more
 * than a quarter of a core during it: enough to take a quarter off the window's figure if it
 * all lands on the app's core. On this VM, quiet, other processes used 0.02 cores in a median
 * second and 0.14 at most over a minute (docs/analysis.md).
 */
const FOREIGN_MAX_CORES = 0.25;
/**
 * An attempt is disturbed when 2 or more of its rounds are. The interval's ends are the 2nd
 * and 8th of the 9 sorted per-round ratios: one round far off lands outside them, two on the
 * same side become an end.
 */
const DISTURBED_ROUNDS_MAX = 1;
/** Attempts while other work or the host took the CPU, and one more after a quiet attempt's interval missed 0.90. */
const ATTEMPTS = 3;

interface Attempt {
  attempt: number;
  /** The slow copy's share of the fastest, with its interval, as results.json reports it. */
  share: StoredInterval;
  /** Rounds in which a load run was disturbed (FOREIGN_MAX_CORES). */
  disturbedRounds: number;
  /** The share of the machine's CPU time the hypervisor took over the attempt. */
  steal: number;
}

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Per round, the cores used by processes outside this test's tree during the worse of its two
 * load runs, read at each run's start and end events (a few ms of the harness's time, between
 * load runs).
 */
function foreignPerLoadRun(): { onEvent: (event: RunEvent) => void; perRound: () => number[] } {
  const roots = [process.pid, process.ppid];
  const started = new Map<string, CpuReading>();
  const worst = new Array<number>(ROUNDS).fill(0);
  return {
    onEvent(event) {
      // A window after the rounds (repeat ROUNDS and up) would not be a round; side by side measures none (no drift check).
      if ((event.type !== 'measure-start' && event.type !== 'measure-end') || event.repeat >= ROUNDS) return;
      const key = `${event.cellId} ${event.repeat}`;
      if (event.type === 'measure-start') started.set(key, readCpu(roots));
      const start = started.get(key);
      if (event.type === 'measure-end' && start) worst[event.repeat] = Math.max(worst[event.repeat]!, foreignCores(start, readCpu(roots)));
    },
    perRound: () => worst,
  };
}

async function measure(attempt: number): Promise<Attempt> {
  const startedMs = Date.now();
  const foreign = foreignPerLoadRun();
  const stealBefore = await readCpuTimes();
  const { out, results } = await runApps([BASE, SLOW], RUN, FIXTURE_APPS, foreign.onEvent);
  const stealAfter = await readCpuTimes();
  await rm(out, { recursive: true, force: true });
  const seconds = (Date.now() - startedMs) / 1000;
  const foreignPerRound = foreign.perRound();
  const steal = stealBefore && stealAfter ? stealShare(stealBefore, stealAfter) : 0;

  // Every window measured, and nothing but 2xx answers: a calibration on errors calibrates nothing.
  expect(results.cells.map((c) => [c.id, c.status, c.repeats.length])).toEqual([
    [`${BASE}/json/c64`, 'ok', ROUNDS],
    [`${SLOW}/json/c64`, 'ok', ROUNDS],
  ]);
  for (const c of results.cells) for (const r of c.repeats) expect(r.measurement.errors + r.measurement.timeouts + r.measurement.non2xx).toBe(0);
  const rps = (name: string) => results.cells.find((c) => c.framework === name)!.repeats.map((r) => r.measurement.rps);
  const slow = results.analysis!.cells.find((c) => c.framework === SLOW)!;
  const share = slow.shareOfFastestInterval;
  expect(share, 'the slow copy has an interval on its share of the fastest (a flagged cell has none)').toBeDefined();
  const perRound = rps(SLOW).map((s, r) => s / rps(BASE)[r]!);
  const disturbedRounds = foreignPerRound.filter((cores) => cores > FOREIGN_MAX_CORES).length;
  console.log(
    `side-by-side calibration attempt ${attempt}: slow/base ${f3(share!.estimate)} (95% interval ${f3(share!.low)}-${f3(share!.high)}), true ${f3(TRUE_RATIO)}; ` +
      `${ROUNDS} rounds in ${seconds.toFixed(1)} s; per round ${perRound.map(f3).join(' ')}; requests/s base ${rps(BASE).join(' ')}, slow ${rps(SLOW).join(' ')}; ` +
      `other processes per round (cores, worse load run) ${foreignPerRound.map((c) => c.toFixed(2)).join(' ')}, ${disturbedRounds} over ${FOREIGN_MAX_CORES}; hypervisor steal ${pct(steal)}`,
  );
  return { attempt, share: share!, disturbedRounds, steal };
}

/**
 * Not a measurement of the method: other processes took the CPU in more rounds than the
 * interval tolerates, or the host took more than the harness's STEAL limit. Their windows get
 * whatever share of the app's core is left: a paired ratio that reads 0.90 within a point on
 * a quiet machine then spreads from 0.4 to 2 (docs/analysis.md).
 */
const disturbed = (a: Attempt) => a.disturbedRounds > DISTURBED_ROUNDS_MAX || a.steal > STEAL_MAX;
/**
 * The windows' requests/s are whole numbers: rounds of 450 and 500 read 0.9 exactly, 1e-8 below
 * the construction's 0.90000001, and an interval ending there (a CI run read 0.898-0.900) holds
 * the true ratio. Ends are compared to within this much, far below anything a window can show.
 */
const RESOLUTION = 1e-6;
const holds = (a: Attempt) => a.share.low <= TRUE_RATIO + RESOLUTION && TRUE_RATIO - RESOLUTION <= a.share.high;

describe('side-by-side calibration: a copy 10% slower by construction', () => {
  it('reports the slow copy at 0.90 of the fastest, with an interval that holds 0.90 and excludes 1.00', async (ctx) => {
    expect(TRUE_RATIO).toBeCloseTo(0.9, 6);
    const attempts: Attempt[] = [];
    const quiet = () => attempts.filter((a) => !disturbed(a));
    while (attempts.length < ATTEMPTS) {
      const a = await measure(attempts.length + 1);
      attempts.push(a);
      if (disturbed(a)) {
        console.log(`side-by-side calibration attempt ${a.attempt}: other processes or the host took the CPU: measuring again`);
        continue;
      }
      // A 95% interval misses the true value about one run in twenty, by design; two quiet misses in a row
      // happen about 0.3% of the time when the method is right, so the second quiet attempt is the verdict.
      if (holds(a) || quiet().length >= 2) break;
      console.log(`side-by-side calibration attempt ${a.attempt}: the interval missed ${f3(TRUE_RATIO)} on a quiet machine: measuring once more`);
    }
    const judged = quiet().at(-1);
    if (!judged) {
      // Not a verdict either way: the rounds measured the neighbours. Said loudly, counted as skipped.
      const took = attempts.map((a) => `${a.disturbedRounds} of ${ROUNDS} rounds disturbed, steal ${pct(a.steal)}`).join('; ');
      const reason = `side-by-side calibration NOT CHECKED: other processes or the host took the CPU in all ${attempts.length} attempts (${took}); run it on a quiet machine`;
      console.log(reason);
      ctx.skip(reason);
      return;
    }
    const { share } = judged;
    expect(share.low, 'the interval holds 0.90').toBeLessThanOrEqual(TRUE_RATIO + RESOLUTION);
    expect(share.high, 'the interval holds 0.90').toBeGreaterThanOrEqual(TRUE_RATIO - RESOLUTION);
    expect(share.high, 'the interval excludes 1.00').toBeLessThan(1);
    expect(Math.abs(share.estimate - TRUE_RATIO), 'the estimate lies within 0.03 of 0.90').toBeLessThanOrEqual(ESTIMATE_TOLERANCE);
  });
});
