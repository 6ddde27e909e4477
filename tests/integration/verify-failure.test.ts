import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../../harness/apps/manifest.ts';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { SCENARIOS_DIR } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/store.ts';
import { executeRun } from '../../harness/run.ts';
import { loadScenarios } from '../../harness/scenarios/scenario.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'apps');

// A real app process (stdlib Python) and the real embedded PostgreSQL: the harness must
// refuse to measure an app that answers the wrong Content-Type or the wrong body.
describe('verification gate', () => {
  it('reports a wrong content type and a wrong body as failed and measures neither', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'crossover-verify-'));
    const scenarios = await loadScenarios(SCENARIOS_DIR);
    const config = resolveRunConfig(
      { frameworks: 'broken', scenarios: 'json,db', runtime: 'local', duration: '2', warmup: '0', out },
      { frameworks: ['broken'], scenarios: scenarios.map((s) => s.name) },
      new Date(),
    );
    const app = await loadApp(FIXTURES, 'broken');
    const lines: string[] = [];
    const results = await executeRun({ config, apps: new Map([['broken', app]]), scenarios, log: (l) => lines.push(l) });

    const json = results.cells.find((c) => c.id === 'broken/json/c64')!;
    const db = results.cells.find((c) => c.id === 'broken/db/c64')!;
    expect(json.status).toBe('failed');
    expect(json.failure?.stage).toBe('verify');
    expect(json.failure?.reason).toContain("Content-Type is 'text/plain', expected application/json");
    expect(db.status).toBe('failed');
    expect(db.failure?.reason).toContain('row.randomNumber is undefined, expected an integer');
    // Not measured: no repeats, and autocannon never wrote a raw file.
    expect(json.repeats).toEqual([]);
    expect(db.repeats).toEqual([]);
    await expect(readdir(path.join(out, 'raw'))).rejects.toThrow();
    // The failure is on disk, schema-valid, and in the Markdown report.
    const reread = await readResults(out);
    expect(reread.status).toBe('complete');
    expect(reread.cells.map((c) => c.status)).toEqual(['failed', 'failed']);
  });

  it('fails an app that serves many rows from one batched query (queries are counted in pg_stat_statements)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'crossover-verify-'));
    const scenarios = await loadScenarios(SCENARIOS_DIR);
    const config = resolveRunConfig(
      { frameworks: 'batched', scenarios: 'queries', runtime: 'local', duration: '2', warmup: '0', out },
      { frameworks: ['batched'], scenarios: scenarios.map((s) => s.name) },
      new Date(),
    );
    const app = await loadApp(FIXTURES, 'batched');
    const results = await executeRun({ config, apps: new Map([['batched', app]]), scenarios, log: () => undefined });
    const cell = results.cells[0]!;
    // Bodies and headers pass; only the query count gives it away.
    expect(cell.verification?.checked).toContain('/queries?queries=20');
    expect(cell).toMatchObject({ status: 'failed', failure: { stage: 'verify' } });
    expect(cell.failure?.reason).toMatch(/523 rows were served but the database ran only \d+ queries on world/);
    expect(cell.repeats).toEqual([]);
  });
});
