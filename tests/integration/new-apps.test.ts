import { describe, expect, it } from 'vitest';
import { loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/read.ts';
import { leftovers } from '../support/leftovers.ts';
import { NEW_APPS } from '../support/new-apps.ts';
import { runApps } from '../support/run.ts';

describe('the new apps on the local runtime', () => {
  it('verifies and measures every cell of each, within the connection cap, under its own name and stack', async () => {
    // Short windows and one slow-db latency, as in variants.test.ts: the contract, not the figures.
    const { out, results, log } = await runApps(NEW_APPS, { runtime: 'local', duration: '1', warmup: '0.5', dbLatencies: '10' });

    const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason} ${c.failure?.logLines.join(' | ')}`);
    expect(failures).toEqual([]);
    expect(results.cells.map((c) => `${c.framework}/${c.kind}`).sort()).toEqual(
      NEW_APPS.flatMap((a) => ['json', 'db', 'fortunes', 'queries', 'updates', 'slow-db'].map((k) => `${a}/${k}`)).sort(),
    );
    for (const cell of results.cells) {
      // Headers, bodies, one query per row, rows read, the cap under a burst, pg_sleep in the row's statement.
      expect(cell.verification?.problems, cell.id).toEqual([]);
      const m = cell.repeats[0]!.measurement;
      expect(m.rps, cell.id).toBeGreaterThan(0);
      expect(m.errors + m.non2xx + m.timeouts, cell.id).toBe(0);
      if (cell.kind !== 'json') {
        expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeLessThanOrEqual(10);
        expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeGreaterThan(0);
      }
    }
    // slow-db at 10 ms cannot beat Little's law: 10 connections / 10 ms = 1,000 req/s.
    for (const cell of results.cells.filter((c) => c.kind === 'slow-db')) expect(cell.repeats[0]!.measurement.rps, cell.id).toBeLessThan(1000 * 1.02);

    const read = await readResults(out);
    expect(read.status).toBe('complete');
    expect(read.apps['django-asgi']).toMatchObject({ variantOf: 'django', server: 'uvicorn' });
    expect(read.apps['flask-sqlalchemy']).toMatchObject({ variantOf: 'flask', server: 'gunicorn-gthread' });
    expect(read.apps['starlette-granian']).toMatchObject({ variantOf: 'starlette', server: 'granian' });
    expect(read.apps['django-ninja']?.variantOf).toBeUndefined();
    expect(read.apps['litestar']?.variantOf).toBeUndefined();
    // Every key package a manifest names is in the app's pip freeze.
    for (const name of NEW_APPS) {
      const app = await loadApp(APPS_DIR, name);
      for (const pkg of app.packages) expect(read.apps[name]?.keyPackages[pkg], `${name}: ${pkg}`).toMatch(/^\d+\.\d+/);
    }
    expect(read.apps['litestar']?.keyPackages['litestar']).toMatch(/^2\./);
    expect(read.apps['flask-sqlalchemy']?.keyPackages['sqlalchemy']).toMatch(/^2\./);
    // Nothing the harness started is left.
    expect(log.join('\n')).not.toMatch(/warning: stopping/);
    expect(await leftovers()).toEqual([]);
  });
});
