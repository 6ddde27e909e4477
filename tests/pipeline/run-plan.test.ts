import { describe, expect, it } from 'vitest';
import { COMMIT_TEST_S } from '../../harness/ceilings/commit-latency.ts';
import { appStarts, estimateDurationS, planRun } from '../../harness/pipeline/run-plan.ts';
import { makeConfig, makeScenarios } from '../support/factories.ts';

describe('planRun', () => {
  it('lists every cell, one database ceiling per database shape, and the measurements including the drift check', () => {
    const plan = planRun(makeConfig({ scenarios: ['json', 'db', 'slow-db'], dbLatenciesMs: [0, 10], repeat: 3 }), makeScenarios());
    expect(plan.cells).toHaveLength(2 * 4);
    expect(plan.dbCeilingShapes.map((c) => c.id)).toEqual(['_/db/c64', '_/slow-db/c64/0ms', '_/slow-db/c64/10ms']);
    expect(plan.measurements).toBe(8 * 3 + 1);
    expect(plan.rounds).toHaveLength(2 * 3);
  });
});

describe('estimateDurationS', () => {
  it('adds ceilings and measurements at warm-up + duration each, plus starts and verifications', () => {
    const config = { warmupS: 2, durationS: 5, repeat: 1, connections: [64], interleave: true };
    const run = { warmupS: 2, durationS: 5 };
    // (1 loadgen + 1 database ceiling + 4 cells + 1 drift) x 7 s + (2 starts + 1) x 5 s + 4 verifications x 2 s
    expect(estimateDurationS(config, [run, run, run, run], 2, [run])).toBe(7 * 7 + 3 * 5 + 4 * 2);
    expect(estimateDurationS(config, [], 0, [])).toBe(7 + 5);
    // Without the drift check (side by side): neither its load run nor its start.
    expect(estimateDurationS(config, [run, run, run, run], 2, [run], undefined, undefined, false)).toBe(6 * 7 + 2 * 5 + 4 * 2);
  });

  it('counts each cell and ceiling at its own timing (latency-bound slow-db cells run shorter)', () => {
    const config = { warmupS: 1, durationS: 3, repeat: 2, connections: [64], interleave: false };
    const long = { warmupS: 1, durationS: 3 };
    const short = { warmupS: 1, durationS: 2 };
    // loadgen 4 + ceilings (4 + 3) + cells (4 + 3) x 2 repeats + drift of the first cell 4, + 2 x 5 s starts + 2 x 2 s verifications
    expect(estimateDurationS(config, [long, short], 1, [long, short])).toBe(4 + 7 + 14 + 4 + 10 + 4);
  });

  it('adds the commit latency test once when a database ceiling is for updates or hot-rows', () => {
    const config = { warmupS: 2, durationS: 5, repeat: 1, connections: [64], interleave: true };
    const run = { warmupS: 2, durationS: 5 };
    const without = estimateDurationS(config, [run], 1, [{ ...run, kind: 'db' }]);
    expect(
      estimateDurationS(config, [run], 1, [
        { ...run, kind: 'db' },
        { ...run, kind: 'hot-rows' },
      ]),
    ).toBe(without + 7 + COMMIT_TEST_S);
  });
});

describe('planRun timing', () => {
  it('gives latency-bound slow-db cells the bound timing and the others the run timing', () => {
    const config = makeConfig({
      scenarios: ['db', 'slow-db'],
      dbLatenciesMs: [0, 10],
      warmupS: 2,
      durationS: 5,
      boundTiming: { fromMs: 5, warmupS: 1, durationS: 2 },
    });
    const plan = planRun(config, makeScenarios());
    const timing = Object.fromEntries(
      plan.cells.filter((c) => c.framework === plan.cells[0]!.framework).map((c) => [c.id.split('/').slice(1).join('/'), `${c.warmupS}+${c.durationS}`]),
    );
    expect(timing).toEqual({ 'db/c64': '2+5', 'slow-db/c64/0ms': '2+5', 'slow-db/c64/10ms': '1+2' });
  });
});

describe('planRun with --schedule side-by-side', () => {
  // Two frameworks, json and db, three rounds, the direct path and a 0.5 ms round trip: three cells per framework.
  const config = makeConfig({ repeat: 3, dbRttMs: [0, 0.5] });
  const restart = planRun(config, makeScenarios());
  const side = planRun({ ...config, schedule: 'side-by-side', seed: 1 }, makeScenarios());

  it('plans the closed-loop phase as side-by-side blocks instead of round steps', () => {
    expect(restart.sideBySide).toBeUndefined();
    expect(side.rounds).toEqual([]);
    expect(side.sideBySide?.blocks.map((b) => b.rounds.length)).toEqual([3, 3]);
    // No drift check: side by side reads the machine's trend off its rounds (pipeline/drift.ts recordTrend).
    expect(side.measurements).toBe(restart.measurements - 1);
    expect(restart.measurements).toBe(6 * 3 + 1);
  });

  it('counts one start per app per round trip, where restarts count one per framework, round and round trip', () => {
    expect(appStarts(side.rounds, side.cells, side.sideBySide)).toBe(2 * 2);
    expect(appStarts(restart.rounds, restart.cells, restart.sideBySide)).toBe(2 * 3 * 2);
    // 8 starts fewer at 5 s, 6 cells verified once instead of 3 times at 2 s each, and no drift check (its start and its load run).
    const first = restart.cells[0]!;
    expect(restart.expectedS - side.expectedS).toBe(8 * 5 + 12 * 2 + 5 + first.warmupS + first.durationS);
  });
});
