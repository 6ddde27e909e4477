import { describe, expect, it } from 'vitest';
import { SCENARIOS_DIR } from '../../harness/paths.ts';
import { loadScenarios, ScenarioSchema, scenarioPath } from '../../harness/scenarios/scenario.ts';

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
