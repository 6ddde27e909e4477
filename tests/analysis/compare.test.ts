import { describe, expect, it } from 'vitest';
import { compareRuns, verdictOf } from '../../harness/analysis/compare.ts';
import { chooseMode } from '../../harness/analysis/compare-context.ts';
import { formatComparison } from '../../harness/report/compare-format.ts';
import type { Cell, Results } from '../../harness/results/schema.ts';
import { seededRng } from '../../harness/util/random.ts';
import { logNormal, normal } from '../support/distributions.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const flaskDb = (rps: number[], o: { failed?: string } = {}) => makeCell({ framework: 'flask', scenario: 'db', rps, ...o });
const fastapiDb = (rps: number[], o: { failed?: string } = {}) => makeCell({ framework: 'fastapi', scenario: 'db', rps, ...o });

const FRAMEWORKS = ['django', 'drf', 'flask', 'fastapi', 'starlette', 'django-bolt'];
const SCENARIOS = ['json', 'db', 'queries'];
/** Requests/s of each framework, about what the 2-core machine measured. */
const LEVEL: Record<string, number> = { django: 3000, drf: 2300, flask: 4000, fastapi: 7700, starlette: 11000, 'django-bolt': 16800 };

/**
 * A simulated interleaved run: in each round every framework is measured once; the round's
 * machine speed (sd `roundSd`) moves all of them alike, and each cell adds its own noise
 * (sd `cellSd`). `factor(framework)` scales a framework's true requests/s.
 */
function simulatedRun(
  seed: number,
  o: { rounds: number; roundSd: number; cellSd: number; factor?: (framework: string) => number; machine?: string; interleave?: boolean },
): Results {
  const rng = seededRng(seed);
  const roundSpeed = Array.from({ length: o.rounds }, () => Math.exp(o.roundSd * normal(rng)));
  const cells: Cell[] = FRAMEWORKS.flatMap((framework) =>
    SCENARIOS.map((scenario) => {
      const level = LEVEL[framework]! * (scenario === 'queries' ? 0.1 : 1) * (o.factor?.(framework) ?? 1);
      return makeCell({ framework, scenario, rps: roundSpeed.map((speed) => level * speed * Math.exp(o.cellSd * normal(rng))) });
    }),
  );
  const base = makeResults([]);
  return makeResults(cells, {
    config: { ...base.config, frameworks: FRAMEWORKS, interleave: o.interleave ?? true },
    machine: { ...base.machine, cpuModel: o.machine ?? base.machine.cpuModel },
  });
}

describe('compareRuns: what never depends on intervals', () => {
  it('a baseline cell missing from the candidate is counted as missing and fails the comparison', () => {
    const r = compareRuns(makeResults([flaskDb([1000, 1000, 1000]), fastapiDb([2000])]), makeResults([flaskDb([1000, 1000, 1000])]), 0.1);
    expect(r.changes.find((c) => c.id === 'fastapi/db/c64')).toMatchObject({ verdict: 'missing', baselineRps: 2000 });
    expect(r.counts).toMatchObject({ missing: 1, unchanged: 1, regressed: 0 });
    expect(r.failed).toBe(true);
  });

  it('a cell that worked and failed (or was not measured) in the candidate is a regression', () => {
    const failed = compareRuns(makeResults([flaskDb([1000])]), makeResults([flaskDb([], { failed: 'the database exited' })]), 0.1);
    expect(failed.changes[0]).toMatchObject({ verdict: 'regressed', reason: 'failed in the candidate: verify: the database exited' });
    expect(failed.failed).toBe(true);
    const unmeasured = makeResults([{ ...flaskDb([1000]), repeats: [] }]);
    expect(compareRuns(makeResults([flaskDb([1000])]), unmeasured, 0.1).changes[0]).toMatchObject({
      verdict: 'regressed',
      reason: expect.stringContaining('in the candidate'),
    });
  });

  it('failing in both runs is "failing", not a regression; failing then working is an improvement', () => {
    const both = compareRuns(makeResults([flaskDb([], { failed: 'x' })]), makeResults([flaskDb([], { failed: 'y' })]), 0.1);
    expect(both.changes[0]?.verdict).toBe('failing');
    expect(both.failed).toBe(false);
    const fixed = compareRuns(makeResults([flaskDb([], { failed: 'x' })]), makeResults([flaskDb([900])]), 0.1);
    expect(fixed.changes[0]).toMatchObject({ verdict: 'improved', candidateRps: 900 });
  });

  it('new cells are counted and do not fail the comparison', () => {
    const r = compareRuns(makeResults([flaskDb([1000, 1000, 1000])]), makeResults([flaskDb([1000, 1000, 1000]), fastapiDb([3000])]), 0.1);
    expect(r.counts).toMatchObject({ new: 1, unchanged: 1 });
    expect(r.failed).toBe(false);
  });
});

describe('compareRuns: verdicts from the 95% interval of the change (absolute mode)', () => {
  it('a drop whose whole interval lies beyond -10% is a regression; the change carries its interval', () => {
    const down = compareRuns(makeResults([flaskDb([1000, 1010, 990])]), makeResults([flaskDb([800, 805, 795])]), 0.1);
    // With 3 repeats each the interval runs from min/max to max/min (tests/analysis/intervals.test.ts).
    expect(down.changes[0]).toMatchObject({
      verdict: 'regressed',
      basis: 'absolute',
      change: expect.closeTo(-0.2, 9),
      changeLow: expect.closeTo(795 / 1010 - 1, 9),
      changeHigh: expect.closeTo(805 / 990 - 1, 9),
    });
    expect(down.failed).toBe(true);
    const up = compareRuns(makeResults([flaskDb([1000, 1010, 990])]), makeResults([flaskDb([1300, 1310, 1290])]), 0.1);
    expect(up.changes[0]?.verdict).toBe('improved');
    expect(up.failed).toBe(false);
  });

  it('a -15% median whose interval straddles -10% is undecided, not a regression', () => {
    const r = compareRuns(makeResults([flaskDb([1000, 700, 1300])]), makeResults([flaskDb([850, 750, 1000])]), 0.1);
    expect(r.changes[0]).toMatchObject({ verdict: 'undecided', change: expect.closeTo(-0.15, 9), reason: 'the interval straddles -10% and +10%' });
    expect(r.failed).toBe(false);
  });

  it('one repeat gives no interval: undecided, whatever the medians say', () => {
    const r = compareRuns(makeResults([flaskDb([1000])]), makeResults([flaskDb([700])]), 0.1);
    expect(r.changes[0]).toMatchObject({ verdict: 'undecided', change: expect.closeTo(-0.3, 9) });
    expect(r.changes[0]?.changeLow).toBeUndefined();
    expect(r.changes[0]?.reason).toBe('no interval: 1 and 1 repeats; an interval needs 3 in each run');
    expect(r.failed).toBe(false);
  });

  it('identical code, the same machine: 0 regressed and 0 improved over 10 simulated pairs of runs', () => {
    for (const rounds of [3, 10]) {
      for (let pair = 0; pair < 10; pair++) {
        const noise = { rounds, roundSd: 0.05, cellSd: 0.03 };
        const r = compareRuns(simulatedRun(1000 + pair, noise), simulatedRun(2000 + pair, noise), 0.1);
        expect(r.mode.mode).toBe('absolute');
        expect(r.counts, `${rounds} rounds, pair ${pair}`).toMatchObject({ regressed: 0, improved: 0 });
      }
    }
  });

  it('a real 20% drop of one framework with tight repeats is regressed, and nothing else is', () => {
    const noise = { rounds: 5, roundSd: 0.02, cellSd: 0.02 };
    const r = compareRuns(simulatedRun(1, noise), simulatedRun(2, { ...noise, factor: (f) => (f === 'drf' ? 0.8 : 1) }), 0.1);
    expect(r.changes.filter((c) => c.verdict === 'regressed').map((c) => c.id)).toEqual(['drf/json/c64', 'drf/db/c64', 'drf/queries/c64']);
    expect(r.counts.improved).toBe(0);
  });
});

describe('compareRuns: relative mode', () => {
  const noise = { rounds: 5, roundSd: 0.05, cellSd: 0.02 };

  it('every framework -15% on another machine: relative mode by default, "the machine changed", 0 regressed', () => {
    const base = simulatedRun(1, noise);
    const slower = simulatedRun(2, { ...noise, factor: () => 0.85, machine: 'Slower CPU' });
    const r = compareRuns(base, slower, 0.1);
    expect(r.mode).toEqual({ mode: 'relative', reason: 'the machines differ' });
    // Beyond the 15%, each run's own rounds (sd 5%) move all its cells alike: the shift is the runs', not the machine's alone.
    expect(r.shift?.ratio).toBeGreaterThan(0.75);
    expect(r.shift?.interval?.high).toBeLessThan(0.9);
    expect(r.counts).toMatchObject({ regressed: 0, improved: 0 });
    expect(r.changes.every((c) => c.basis === 'relative' && c.rpsChange! < -0.1)).toBe(true);
    // --absolute asks the old question: nearly every cell reads regressed (the rest undecided), none unchanged.
    const absolute = compareRuns(base, slower, 0.1, { mode: 'absolute' });
    expect(absolute.counts.regressed).toBeGreaterThan((FRAMEWORKS.length * SCENARIOS.length * 2) / 3);
    expect(absolute.counts.regressed + absolute.counts.undecided).toBe(FRAMEWORKS.length * SCENARIOS.length);
  });

  it('one framework 10% down against the rest is its regression when the data are tight, undecided when noisy', () => {
    const down = (f: string) => (f === 'flask' ? 0.9 * 0.85 : 0.85);
    // A 10% fall is not beyond a 10% threshold: 5% asks whether it fell at all, tightly measured.
    const tight = compareRuns(simulatedRun(1, noise), simulatedRun(2, { ...noise, factor: down, machine: 'Slower CPU' }), 0.05);
    expect(tight.changes.filter((c) => c.verdict === 'regressed').map((c) => c.id)).toEqual(['flask/json/c64', 'flask/db/c64', 'flask/queries/c64']);
    expect(tight.changes.find((c) => c.id === 'flask/db/c64')?.change).toBeCloseTo(-0.1, 1);
    expect(tight.counts.improved).toBe(0);
    const noisy = { rounds: 3, roundSd: 0.05, cellSd: 0.1 };
    const loose = compareRuns(simulatedRun(1, noisy), simulatedRun(2, { ...noisy, factor: down, machine: 'Slower CPU' }), 0.05);
    expect(loose.changes.filter((c) => c.framework === 'flask').map((c) => c.verdict)).toEqual(['undecided', 'undecided', 'undecided']);
  });

  it('pairing rounds cancels a machine whose speed moves from round to round; ratios of medians cannot', () => {
    const moving = { rounds: 7, roundSd: 0.15, cellSd: 0.01 };
    const run = (seed: number, factor: (f: string) => number, interleave: boolean) => simulatedRun(seed, { ...moving, factor, interleave });
    const down = (f: string) => (f === 'flask' ? 0.9 : 1);
    const paired = compareRuns(
      run(1, () => 1, true),
      run(2, down, true),
      0.05,
      { mode: 'relative' },
    );
    const unpaired = compareRuns(
      run(1, () => 1, false),
      run(2, down, false),
      0.05,
      { mode: 'relative' },
    );
    expect(paired.changes.find((c) => c.id === 'flask/db/c64')).toMatchObject({ verdict: 'regressed', paired: true });
    expect(unpaired.changes.find((c) => c.id === 'flask/db/c64')).toMatchObject({ verdict: 'undecided', paired: false });
  });

  it('a framework alone in its column is judged on its own requests/s, and says so', () => {
    const r = compareRuns(makeResults([flaskDb([1000, 1010, 990])]), makeResults([flaskDb([800, 805, 795])]), 0.1, { mode: 'relative' });
    expect(r.changes[0]).toMatchObject({ verdict: 'regressed', basis: 'absolute', reason: expect.stringMatching(/^alone in its column/) });
  });

  it('is reproducible: the same files give the same comparison; the seed is what varies it', () => {
    // 25 rounds: enough values that the resamples, and so the seed, move an interval's ends.
    const [a, b] = [simulatedRun(1, { ...noise, rounds: 25 }), simulatedRun(2, { ...noise, rounds: 25, machine: 'Other' })];
    expect(compareRuns(a, b, 0.1)).toEqual(compareRuns(a, b, 0.1));
    expect(compareRuns(a, b, 0.1, { seed: 7 }).changes.map((c) => c.changeLow)).not.toEqual(compareRuns(a, b, 0.1).changes.map((c) => c.changeLow));
  });
});

describe('verdictOf', () => {
  const n: [number, number] = [5, 5];
  it('beyond, within, straddling, touching', () => {
    expect(verdictOf({ low: -0.2, high: -0.11 }, 0.1, n).verdict).toBe('regressed');
    expect(verdictOf({ low: 0.11, high: 0.2 }, 0.1, n).verdict).toBe('improved');
    expect(verdictOf({ low: -0.03, high: 0.05 }, 0.1, n)).toEqual({ verdict: 'unchanged', reason: 'within noise: ±4.0%' });
    expect(verdictOf({ low: -0.09, high: -0.05 }, 0.1, n)).toEqual({ verdict: 'unchanged', reason: 'a change within ±10% (noise ±2.0%)' });
    expect(verdictOf({ low: -0.12, high: -0.05 }, 0.1, n)).toEqual({ verdict: 'undecided', reason: 'the interval straddles -10%' });
    expect(verdictOf({ low: -0.1, high: -0.05 }, 0.1, n).verdict).toBe('undecided');
    expect(verdictOf(undefined, 0.1, [1, 2]).reason).toBe('no interval: 1 and 2 repeats; an interval needs 3 in each run');
  });
});

describe('chooseMode and the warnings', () => {
  const range = (median: number) => ({ median, min: median * 0.95, max: median * 1.05 });
  const speed = (memoryMs: number) => ({ start: { computeMs: range(4.4), cacheMs: range(10), memoryMs: range(memoryMs) } });

  it('auto: absolute on the same machine, relative when the machine or its speed reading differs; flags win', () => {
    const base = makeResults([flaskDb([1000])], { speed: speed(24) });
    expect(chooseMode('auto', base, base)).toEqual({ mode: 'absolute', reason: 'the same machine and speed reading' });
    expect(chooseMode('auto', base, makeResults([]))).toEqual({ mode: 'absolute', reason: 'the same machine; a run has no speed reading' });
    expect(chooseMode('auto', base, makeResults([], { speed: speed(36) }))).toEqual({
      mode: 'relative',
      reason: "the machine's speed reading differs: memory +50%",
    });
    const other = makeResults([], { machine: { ...base.machine, cores: 8 } });
    expect(chooseMode('auto', base, other).mode).toBe('relative');
    expect(chooseMode('absolute', base, other)).toEqual({ mode: 'absolute', reason: '--absolute' });
    expect(chooseMode('relative', base, base)).toEqual({ mode: 'relative', reason: '--relative' });
  });

  it('warns first when profiles, machines or framework versions differ, or a run did not complete', () => {
    const base = makeResults([flaskDb([1000])]);
    const cand = makeResults([flaskDb([1000])], {
      status: 'interrupted',
      config: { ...base.config, profile: 'quick' },
      machine: { ...base.machine, cpuModel: 'Other CPU', cores: 8 },
      apps: { ...base.apps, flask: { ...base.apps.flask!, keyPackages: { flask: '3.1.2' } } },
    });
    base.apps.flask!.keyPackages = { flask: '3.1.1' };
    expect(compareRuns(base, cand, 0.1).warnings).toEqual([
      'profile differs: baseline standard, candidate quick',
      'machine differs: baseline Test CPU (2 cores), candidate Other CPU (8 cores)',
      'flask: framework versions differ: flask 3.1.1 -> 3.1.2',
      "the candidate run ended 'interrupted', not 'complete'",
    ]);
    expect(compareRuns(base, base, 0.1).warnings).toEqual([]);
  });

  it("warns when the same fixed work took more than 15% longer or shorter on the candidate's machine", () => {
    const base = makeResults([flaskDb([1000])], { speed: speed(24) });
    const slower = makeResults([flaskDb([800])], { speed: speed(36) });
    expect(compareRuns(base, slower, 0.1).warnings).toEqual([
      "machine speed differs: the same fixed work before the first cell, baseline -> candidate: compute 4.4 ms (4.2-4.6) -> 4.4 ms (4.2-4.6), +0%; cache 10.0 ms (9.5-10.5) -> 10.0 ms (9.5-10.5), +0%; memory 24.0 ms (22.8-25.2) -> 36.0 ms (34.2-37.8), +50%: memory moved more than 15%, the ranges apart; a change of that size may be the machine's, not the code's",
    ]);
    expect(compareRuns(base, makeResults([flaskDb([1000])], { speed: speed(26) }), 0.1).warnings).toEqual([]);
    // Runs from before the probe carry no reading: nothing to compare, nothing said.
    expect(compareRuns(makeResults([flaskDb([1000])]), slower, 0.1).warnings).toEqual([]);
  });
});

describe('the common shift', () => {
  it('is the median of the cells’ own changes, with an interval from resampling cells; open-loop cells are left out', () => {
    const rng = seededRng(3);
    const cells = (factor: number) => FRAMEWORKS.map((framework) => makeCell({ framework, scenario: 'db', rps: logNormal(rng, 3, 1000 * factor, 0.01) }));
    const open = { ...makeCell({ framework: 'flask', scenario: 'slow-db', rps: [300, 300, 300] }), id: 'flask/slow-db/c64/300rps', rateSpec: '300' };
    const r = compareRuns(makeResults([...cells(1), open]), makeResults([...cells(0.8), open]), 0.1);
    expect(r.shift).toMatchObject({ cells: 6, ratio: expect.closeTo(0.8, 1) });
    expect(r.shift!.interval!.high).toBeLessThan(0.9);
  });
});

describe('disturbed cells in a comparison', () => {
  it('names the run whose cell other processes disturbed, and marks the cell # in the table', () => {
    const busy = { coreShare: 0.9, peakCoreShare: 1, stealShare: 0, windowS: 10, top: [{ pid: 4242, comm: 'node', coreShare: 0.9 }] };
    const base = makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [1000, 1010, 990] })]);
    const halved = makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [500, 505, 495], neighbours: [busy, busy, busy] })]);
    const comparison = compareRuns(base, halved, 0.1, { mode: 'absolute' });
    expect(comparison.warnings).toContain(
      'in the candidate run, other processes took CPU while flask/db/c64 was measured (DISTURBED, marked #): a change there may be theirs',
    );
    expect(comparison.changes[0]).toMatchObject({ id: 'flask/db/c64', verdict: 'regressed', disturbedIn: ['candidate'] });
    const text = formatComparison(comparison, { baseline: 'a', candidate: 'b', thresholdPct: 10 }, 'text');
    expect(text).toContain('flask#');
    expect(text).toContain('#: other processes took CPU while the cell was measured');
    expect(compareRuns(base, base, 0.1).changes[0]?.disturbedIn).toBeUndefined();
  });
});
