import { describe, expect, it } from 'vitest';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/read.ts';
import { leftovers } from '../support/leftovers.ts';
import { NEW_APPS } from '../support/new-apps.ts';
import { runApps } from '../support/run.ts';

/** The variants (docs/variants.md), each held to its base app's contract in every scenario. */
const VARIANTS = ['fastapi-sqlalchemy', 'flask-granian'];

describe('the variants on the local runtime', () => {
  it('verifies and measures every cell of each variant, within the connection cap, and records its base', async () => {
    // Every variant the repository ships is in this test or in new-apps.test.ts, so a new one is proven before it is measured anywhere.
    const shipped = (await Promise.all((await listAppNames(APPS_DIR)).map((n) => loadApp(APPS_DIR, n)))).filter((a) => a.variantOf).map((a) => a.name);
    expect(shipped.sort()).toEqual([...VARIANTS, ...NEW_APPS.filter((n) => shipped.includes(n))].sort());
    expect(NEW_APPS.filter((n) => shipped.includes(n)).sort()).toEqual(['django-asgi', 'flask-sqlalchemy', 'starlette-granian']);

    // Short windows and one slow-db latency, as in local-apps.test.ts: the contract, not the figures.
    const { out, results, log } = await runApps(VARIANTS, { runtime: 'local', duration: '1', warmup: '0.5', dbLatencies: '10' });

    const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason} ${c.failure?.logLines.join(' | ')}`);
    expect(failures).toEqual([]);
    expect(results.cells.map((c) => `${c.framework}/${c.kind}`).sort()).toEqual(
      VARIANTS.flatMap((v) => ['json', 'db', 'fortunes', 'queries', 'updates', 'slow-db'].map((k) => `${v}/${k}`)).sort(),
    );
    for (const cell of results.cells) {
      // Headers, bodies, one query per row, rows read, the cap under a burst, pg_sleep in the row's statement.
      expect(cell.verification?.problems, cell.id).toEqual([]);
      const m = cell.repeats[0]!.measurement;
      expect(m.rps, cell.id).toBeGreaterThan(0);
      expect(m.errors + m.non2xx + m.timeouts, cell.id).toBe(0);
      // The worker rule held under load, and the connections were seen under the app's own name.
      if (cell.kind !== 'json') {
        expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeLessThanOrEqual(10);
        expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeGreaterThan(0);
      }
    }
    // slow-db at 10 ms cannot beat Little's law: 10 connections / 10 ms = 1,000 req/s.
    for (const cell of results.cells.filter((c) => c.kind === 'slow-db')) expect(cell.repeats[0]!.measurement.rps, cell.id).toBeLessThan(1000 * 1.02);

    const read = await readResults(out);
    expect(read.status).toBe('complete');
    // Updates cells wait on commits: the database's commit latency is measured once and stored beside them.
    expect(read.commitLatency).toMatchObject({ synchronousCommit: 'on', clients: 1, tool: 'pgbench' });
    expect(read.commitLatency?.msPerCommit).toBeGreaterThan(0);
    expect(read.apps['fastapi-sqlalchemy']).toMatchObject({ variantOf: 'fastapi', server: 'uvicorn' });
    expect(read.apps['flask-granian']).toMatchObject({ variantOf: 'flask', server: 'granian' });
    expect(read.apps['fastapi-sqlalchemy']?.keyPackages['sqlalchemy']).toMatch(/^2\.\d+/);
    expect(read.apps['flask-granian']?.keyPackages['granian']).toMatch(/^\d+\.\d+/);
    // Nothing the harness started is left.
    expect(log.join('\n')).not.toMatch(/warning: stopping/);
    expect(await leftovers()).toEqual([]);
  });
});
