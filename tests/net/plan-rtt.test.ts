import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { planRun } from '../../harness/pipeline/run-plan.ts';
import { cellId, planCells, rttsOf } from '../../harness/plan.ts';
import { makeConfig, makeScenarios } from '../support/factories.ts';

describe('cell ids and plans with --db-rtt', () => {
  it('leaves ids without a round trip unchanged and appends /rtt<ms> otherwise', () => {
    const base = {
      framework: 'fastapi',
      scenario: 'slow-db',
      connections: 64,
      dbLatencyMs: 10,
    };
    expect(cellId(base)).toBe('fastapi/slow-db/c64/10ms');
    expect(cellId({ ...base, dbRttMs: 0 })).toBe('fastapi/slow-db/c64/10ms');
    expect(cellId({ ...base, dbRttMs: 0.5 })).toBe('fastapi/slow-db/c64/10ms/rtt0.5');
    expect(
      cellId({
        framework: 'flask',
        scenario: 'db',
        connections: 16,
        dbRttMs: 1,
      }),
    ).toBe('flask/db/c16/rtt1');
  });

  it('treats configurations from before --db-rtt as the direct path', () => {
    expect(rttsOf({})).toEqual([0]);
    expect(rttsOf({ dbRttMs: [] })).toEqual([0]);
    expect(rttsOf({ dbRttMs: [0, 0.5] })).toEqual([0, 0.5]);
  });

  it('plans every database cell once per round trip, json once, grouped by round trip', () => {
    const config = makeConfig({
      frameworks: ['flask'],
      scenarios: ['json', 'db'],
      dbRttMs: [0, 0.5, 1],
    });
    const ids = planCells(config, makeScenarios(), 'flask').map((c) => c.id);
    expect(ids).toEqual(['flask/json/c64', 'flask/db/c64', 'flask/db/c64/rtt0.5', 'flask/db/c64/rtt1']);
    expect(planCells(makeConfig({ frameworks: ['flask'], scenarios: ['json', 'db'] }), makeScenarios(), 'flask').map((c) => c.id)).toEqual([
      'flask/json/c64',
      'flask/db/c64',
    ]);
  });

  it('keeps json cells when only a round trip is asked for', () => {
    const config = makeConfig({
      frameworks: ['flask'],
      scenarios: ['json', 'db'],
      dbRttMs: [1],
    });
    expect(planCells(config, makeScenarios(), 'flask').map((c) => c.id)).toEqual(['flask/json/c64/rtt1', 'flask/db/c64/rtt1']);
  });

  it('measures one database ceiling per shape and round trip', () => {
    const plan = planRun(
      makeConfig({
        frameworks: ['flask'],
        scenarios: ['json', 'db'],
        dbRttMs: [0, 0.5],
      }),
      makeScenarios(),
    );
    expect(plan.dbCeilingShapes.map((s) => s.dbRttMs)).toEqual([undefined, 0.5]);
  });

  it('takes --db-rtt from the flag, else from the profile (full sweeps 0, 0.5, 1; standard adds 0.5)', () => {
    const known = { frameworks: ['flask'], scenarios: ['db'] };
    const now = new Date('2026-01-01T00:00:00Z');
    expect(resolveRunConfig({}, known, now).dbRttMs).toEqual([0]);
    expect(resolveRunConfig({ profile: 'standard' }, known, now).dbRttMs).toEqual([0, 0.5]);
    expect(resolveRunConfig({ profile: 'full' }, known, now).dbRttMs).toEqual([0, 0.5, 1]);
    expect(resolveRunConfig({ dbRtt: '0,0.5,0.5' }, known, now).dbRttMs).toEqual([0, 0.5]);
    expect(() => resolveRunConfig({ dbRtt: '-1' }, known, now)).toThrow(/invalid option/);
  });
});
