import { describe, expect, it } from 'vitest';
import { SCENARIOS_DIR } from '../../harness/paths.ts';
import { loadScenarios, ScenarioSchema, scenarioInstances, scenarioPath, sweepOutOfRange } from '../../harness/scenarios/scenario.ts';

describe('the updates scenario', () => {
  it('is shipped, ordered after queries and before slow-db, with its queries filled into the path', async () => {
    const scenarios = await loadScenarios(SCENARIOS_DIR);
    const kinds = scenarios.map((s) => s.kind);
    expect(kinds.indexOf('updates')).toBe(kinds.indexOf('queries') + 1);
    expect(kinds.indexOf('updates')).toBeLessThan(kinds.indexOf('slow-db'));
    const updates = scenarios.find((s) => s.name === 'updates')!;
    expect(updates).toMatchObject({ kind: 'updates', queries: 20 });
    expect(scenarioPath(updates, undefined)).toBe('/updates?queries=20');
  });

  it('takes 1..500 queries and a path with {queries}, as queries does', () => {
    const base = { name: 'updates', description: 'writes', kind: 'updates', path: '/updates?queries={queries}' };
    expect(ScenarioSchema.safeParse({ ...base, queries: 500 }).success).toBe(true);
    expect(ScenarioSchema.safeParse({ ...base, queries: 0 }).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...base, queries: 501 }).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...base, queries: 20, path: '/updates' }).success).toBe(false);
    expect(ScenarioSchema.safeParse({ ...base }).success).toBe(false);
  });
});

describe('swept scenarios (db-cpu, big-result, hot-rows)', () => {
  it('expand into one instance per sweep value, each with its own name, path and parameter', async () => {
    const scenarios = await loadScenarios(SCENARIOS_DIR);
    const dbCpu = scenarios.find((s) => s.name === 'db-cpu')!;
    const instances = scenarioInstances(dbCpu);
    expect(instances.length).toBeGreaterThanOrEqual(2);
    for (const i of instances) {
      expect(i.sweepOf).toBe('db-cpu');
      expect(i.name).toBe(`db-cpu-work${i.param!.value}`);
      expect(scenarioPath(dbCpu, undefined, i.param!.value)).toBe(`/db-cpu?work=${i.param!.value}`);
    }
    const hot = scenarios.find((s) => s.name === 'hot-rows')!;
    expect(scenarioInstances(hot).map((i) => i.param!.name)).toEqual(scenarioInstances(hot).map(() => 'k'));
    // Kept out of quick, like plaintext: their sweeps cost minutes.
    for (const name of ['db-cpu', 'big-result', 'hot-rows']) expect(scenarios.find((s) => s.name === name)!.profiles).toEqual(['standard', 'full']);
  });

  it('a scenario without a sweep is one instance under its own name', () => {
    const one = { name: 'big', description: 'd', kind: 'big-result', path: '/big-result?rows={rows}', rows: 50 } as const;
    expect(scenarioInstances(one)).toEqual([{ name: 'big', scenario: one, param: { name: 'rows', value: 50 } }]);
  });

  it('refuses a sweep value outside the parameter range, naming it', () => {
    expect(sweepOutOfRange({ name: 'h', description: 'd', kind: 'hot-rows', path: '/hot-rows?k={k}', k: 10, sweep: [10, 5000] })).toBe(5000);
    expect(sweepOutOfRange({ name: 'h', description: 'd', kind: 'hot-rows', path: '/hot-rows?k={k}', k: 10, sweep: [10, 1] })).toBeUndefined();
  });
});
