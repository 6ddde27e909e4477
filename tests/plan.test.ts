import { describe, expect, it } from 'vitest';
import { planCells, planRounds } from '../harness/plan.ts';
import { makeConfig, makeScenarios } from './support/factories.ts';

describe('planRounds', () => {
  it('interleaved: repeat r of every framework runs in round r, frameworks in the given order', () => {
    expect(planRounds(makeConfig({ frameworks: ['flask', 'fastapi'], repeat: 3 }))).toEqual([
      { round: 0, framework: 'flask', phase: 'closed' },
      { round: 0, framework: 'fastapi', phase: 'closed' },
      { round: 1, framework: 'flask', phase: 'closed' },
      { round: 1, framework: 'fastapi', phase: 'closed' },
      { round: 2, framework: 'flask', phase: 'closed' },
      { round: 2, framework: 'fastapi', phase: 'closed' },
    ]);
  });

  it('not interleaved: one step per framework, round -1 (all repeats back to back)', () => {
    expect(planRounds(makeConfig({ frameworks: ['flask', 'fastapi'], repeat: 3, interleave: false }))).toEqual([
      { round: -1, framework: 'flask', phase: 'closed' },
      { round: -1, framework: 'fastapi', phase: 'closed' },
    ]);
  });
});

describe('planCells', () => {
  it('gives scenario x connections x latency, with stable ids and filled paths', () => {
    const cells = planCells(makeConfig({ scenarios: ['queries', 'slow-db'], connections: [16, 64], dbLatenciesMs: [0, 10] }), makeScenarios(), 'flask');
    expect(cells.map((c) => `${c.id} ${c.path}`)).toEqual([
      'flask/queries/c16 /queries?queries=20',
      'flask/queries/c64 /queries?queries=20',
      'flask/slow-db/c16/0ms /slow-db?ms=0',
      'flask/slow-db/c16/10ms /slow-db?ms=10',
      'flask/slow-db/c64/0ms /slow-db?ms=0',
      'flask/slow-db/c64/10ms /slow-db?ms=10',
    ]);
  });
});
