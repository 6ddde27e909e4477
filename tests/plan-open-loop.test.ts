import { describe, expect, it } from 'vitest';
import { BenchError } from '../harness/errors.ts';
import { planRun } from '../harness/pipeline/run-plan.ts';
import { checkOpenLoopScenarios, planOpenLoopCells, resolveOpenLoopRates } from '../harness/plan-open-loop.ts';
import type { Cell } from '../harness/results/schema.ts';
import { makeCell, makeConfig, makeScenarios } from './support/factories.ts';

const config = makeConfig({
  scenarios: ['json', 'slow-db'],
  dbLatenciesMs: [0, 10],
  connections: [64, 256],
  openLoop: { arrival: 'poisson', rates: ['50%', '300'] },
});

describe('planOpenLoopCells', () => {
  it('plans slow-db cells per rate at the first connection count, ids suffixed so closed-loop ids are unchanged', () => {
    const cells = planOpenLoopCells(config, makeScenarios(), 'flask');
    expect(cells.map((c) => `${c.id} ${c.path} ${c.offeredRps} ${c.arrival}`)).toEqual([
      'flask/slow-db/c64/0ms/at50% /slow-db?ms=0 undefined poisson',
      'flask/slow-db/c64/10ms/at50% /slow-db?ms=10 undefined poisson',
      'flask/slow-db/c64/0ms/open300 /slow-db?ms=0 300 poisson',
      'flask/slow-db/c64/10ms/open300 /slow-db?ms=10 300 poisson',
    ]);
    expect(planOpenLoopCells({ ...config, openLoop: undefined }, makeScenarios(), 'flask')).toEqual([]);
  });

  it('puts the open-loop cells and rounds after every closed-loop cell and round', () => {
    const plan = planRun({ ...config, frameworks: ['flask', 'fastapi'], repeat: 2 }, makeScenarios());
    const firstOpen = plan.cells.findIndex((c) => c.rateSpec !== undefined);
    expect(plan.cells.slice(0, firstOpen).every((c) => c.rateSpec === undefined)).toBe(true);
    expect(plan.cells.slice(firstOpen).every((c) => c.rateSpec !== undefined)).toBe(true);
    expect(plan.cells.filter((c) => c.rateSpec === undefined).map((c) => c.id)).toContain('flask/slow-db/c256/10ms');
    expect(plan.rounds.map((r) => `${r.phase} ${r.round} ${r.framework}`)).toEqual([
      'closed 0 flask',
      'closed 0 fastapi',
      'closed 1 flask',
      'closed 1 fastapi',
      'open 0 flask',
      'open 0 fastapi',
      'open 1 flask',
      'open 1 fastapi',
    ]);
  });
});

const slow = (framework: string, dbLatencyMs: number, rps: number[], failed?: string): Cell =>
  makeCell({ framework, scenario: 'slow-db', dbLatencyMs, rps, ...(failed ? { failed } : {}) });

describe('resolveOpenLoopRates', () => {
  const open = ['flask', 'fastapi'].flatMap((f) => planOpenLoopCells(config, makeScenarios(), f));

  it('a share is of the slowest median over every framework and latency of the sweep; absolute rates stand', () => {
    const closed = [slow('flask', 0, [600, 640, 620]), slow('flask', 10, [480, 500, 520]), slow('fastapi', 0, [2000]), slow('fastapi', 10, [900])];
    const r = resolveOpenLoopRates(open, closed);
    expect(r.warnings).toEqual([]);
    expect(r.cells).toEqual([
      { id: 'flask/slow-db/c64/0ms/at50%', offeredRps: 250 },
      { id: 'flask/slow-db/c64/10ms/at50%', offeredRps: 250 },
      { id: 'flask/slow-db/c64/0ms/open300', offeredRps: 300 },
      { id: 'flask/slow-db/c64/10ms/open300', offeredRps: 300 },
      { id: 'fastapi/slow-db/c64/0ms/at50%', offeredRps: 250 },
      { id: 'fastapi/slow-db/c64/10ms/at50%', offeredRps: 250 },
      { id: 'fastapi/slow-db/c64/0ms/open300', offeredRps: 300 },
      { id: 'fastapi/slow-db/c64/10ms/open300', offeredRps: 300 },
    ]);
  });

  it('leaves out failed closed-loop cells with a warning naming them', () => {
    const closed = [slow('flask', 0, [], 'verify failed'), slow('flask', 10, [], 'verify failed'), slow('fastapi', 0, [2000]), slow('fastapi', 10, [900])];
    const r = resolveOpenLoopRates(open, closed);
    expect(r.cells[0]).toEqual({ id: 'flask/slow-db/c64/0ms/at50%', offeredRps: 450 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('flask/slow-db/c64/0ms, flask/slow-db/c64/10ms');
  });

  it('gives % cells an error when no closed-loop cell of the sweep was measured', () => {
    const r = resolveOpenLoopRates(open, [slow('flask', 0, [], 'x'), slow('fastapi', 10, [], 'y')]);
    expect(r.cells[0]).toEqual({
      id: 'flask/slow-db/c64/0ms/at50%',
      error: 'no closed-loop slow-db/c64 cell was measured, so 50% has no capacity to be a share of',
    });
    expect(r.cells[2]).toEqual({ id: 'flask/slow-db/c64/0ms/open300', offeredRps: 300 });
    expect(r.warnings).toEqual([]);
  });
});

describe('checkOpenLoopScenarios', () => {
  it('refuses --rates without a slow-db scenario, naming the option and the fix', () => {
    expect(() => checkOpenLoopScenarios({ rates: '50%' }, { scenarios: ['json'] }, makeScenarios())).toThrow(BenchError);
    expect(() => checkOpenLoopScenarios({ rates: '50%' }, { scenarios: ['json'] }, makeScenarios())).toThrow(
      '--rates measures the slow-db sweep, but --scenarios json has no slow-db scenario',
    );
    expect(() => checkOpenLoopScenarios({ arrival: 'poisson' }, { scenarios: ['json', 'slow-db'] }, makeScenarios())).not.toThrow();
    expect(() => checkOpenLoopScenarios({}, { scenarios: ['json'] }, makeScenarios())).not.toThrow();
  });
});
