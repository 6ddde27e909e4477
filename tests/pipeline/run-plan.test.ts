import { describe, expect, it } from 'vitest';
import { estimateDurationS, planRun } from '../../harness/pipeline/run-plan.ts';
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
    // (1 loadgen + 1 database ceiling + 4 cells + 1 drift) x 7 s + (2 starts + 1) x 5 s + 4 verifications x 2 s
    expect(estimateDurationS(config, 4, 2, 1)).toBe(7 * 7 + 3 * 5 + 4 * 2);
    expect(estimateDurationS(config, 0, 0, 0)).toBe(7 + 5);
  });
});
