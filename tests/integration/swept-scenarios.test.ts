import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { paramSweepTables } from '../../harness/report/param-sweep-table.ts';
import { renderTerminal } from '../../harness/report/render.ts';
import { readResults } from '../../harness/results/read.ts';
import type { Scenario } from '../../harness/scenarios/scenario.ts';
import { leftovers } from '../support/leftovers.ts';
import { runApps } from '../support/run.ts';

const FRAMEWORKS = ['flask', 'fastapi'];

/** Two values per sweep, the ends of the shipped ones, so the suite stays short; the standard profile measures every value. */
const SHORT: Record<string, number[]> = { 'db-cpu': [1000, 100000], 'big-result': [10, 1000], 'hot-rows': [100, 1] };
const shorter = (scenarios: Scenario[]) => scenarios.map((s) => ('sweep' in s && s.sweep && SHORT[s.name] ? ({ ...s, sweep: SHORT[s.name] } as Scenario) : s));

// A real run of the three swept scenarios (plus db, whose cell gives each framework's own
// rate): every instance verified and measured, the database ceiling on each value's SQL, the
// commit latency for hot-rows, and the sweeps read back from results.json as tables and charts.
describe('swept scenarios end to end (db-cpu, big-result, hot-rows)', () => {
  it('measures every value as its own verified cell and reads each scenario back as one sweep', async () => {
    const { out, results } = await runApps(
      FRAMEWORKS,
      { runtime: 'local', duration: '1', warmup: '0.5', scenarios: 'db,db-cpu,big-result,hot-rows' },
      undefined,
      undefined,
      shorter,
    );
    expect(results.status).toBe('complete');
    const instances = ['db-cpu-work1000', 'db-cpu-work100000', 'big-result-rows10', 'big-result-rows1000', 'hot-rows-k100', 'hot-rows-k1'];
    for (const f of FRAMEWORKS) {
      for (const scenario of instances) {
        const cell = results.cells.find((c) => c.framework === f && c.scenario === scenario);
        expect(cell, `${f}/${scenario}`).toBeDefined();
        expect(cell!.status, `${f}/${scenario}: ${cell!.failure?.reason}`).toBe('ok');
        expect(cell!.verification?.problems, `${f}/${scenario}`).toEqual([]);
        expect(cell!.sweepOf).toBe(scenario.replace(/-(work|rows|k)\d+$/, ''));
      }
      // Each value's path carries its own parameter.
      expect(results.cells.find((c) => c.framework === f && c.scenario === 'hot-rows-k1')!.path).toBe('/hot-rows?k=1');
    }
    // The database's capacity on each value's own SQL, and the commit latency hot-rows needs.
    for (const scenario of instances)
      expect(
        results.ceilings.some((c) => c.kind === 'database' && c.scenario === scenario),
        scenario,
      ).toBe(true);
    expect(results.commitLatency?.msPerCommit).toBeGreaterThan(0);

    const read = await readResults(out);
    const analysis = analyze(read);
    const sweeps = analysis.paramSweeps ?? [];
    expect(sweeps.map((s) => s.scenario).sort()).toEqual(['big-result', 'db-cpu', 'hot-rows']);
    const dbCpu = sweeps.find((s) => s.scenario === 'db-cpu')!;
    expect(dbCpu.values).toEqual([1000, 100000]);
    // A hundred times the work costs the database more: its capacity falls.
    expect(dbCpu.capacity[1]!.rps).toBeLessThan(dbCpu.capacity[0]!.rps);
    expect(sweeps.find((s) => s.scenario === 'hot-rows')!.values).toEqual([100, 1]);
    expect(sweeps.find((s) => s.scenario === 'hot-rows')!.commitBound).toHaveLength(2);
    for (const s of sweeps) {
      expect(s.perFramework.map((f) => f.framework)).toEqual(FRAMEWORKS);
      for (const f of s.perFramework) expect(f.ownRps, `${s.scenario}/${f.framework}`).toBeGreaterThan(0);
      expect(s.verdict?.sentence).toBeTruthy();
    }
    for (const table of paramSweepTables(read, analysis)) for (const line of renderTerminal(table, 80).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const charts = await readdir(path.join(out, 'charts'));
    for (const name of ['db-cpu-c64.svg', 'big-result-c64.svg', 'hot-rows-c64.svg']) expect(charts).toContain(name);
    expect(await leftovers()).toEqual([]);
  }, 900_000);
});
