import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/read.ts';
import { FIXTURE_APPS, runApps } from '../support/run.ts';

// A real app process (stdlib Python) and the real embedded PostgreSQL: the harness must
// refuse to measure an app that answers the wrong Content-Type or the wrong body.
describe('verification gate', () => {
  it('reports a wrong content type and a wrong body as failed and measures neither', async () => {
    const { out, results } = await runApps(['broken'], { scenarios: 'json,db', runtime: 'local', duration: '2', warmup: '0' }, FIXTURE_APPS);

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
    // Every cell failed, so the run is `failed` (only a run whose every cell was measured is `complete`).
    expect(reread.status).toBe('failed');
    expect(reread.cells.map((c) => c.status)).toEqual(['failed', 'failed']);
  });

  it('fails an app that serves many rows from one batched query (queries are counted in pg_stat_statements)', async () => {
    const { results } = await runApps(['batched'], { scenarios: 'queries', runtime: 'local', duration: '2', warmup: '0' }, FIXTURE_APPS);
    const cell = results.cells[0]!;
    // Bodies and headers pass; only the query count gives it away.
    expect(cell.verification?.checked).toContain('/queries?queries=20');
    expect(cell).toMatchObject({ status: 'failed', failure: { stage: 'verify' } });
    expect(cell.failure?.reason).toMatch(/523 rows were served but the database ran only \d+ queries on world/);
    expect(cell.repeats).toEqual([]);
  });
});
