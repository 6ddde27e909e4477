import { describe, expect, it } from 'vitest';
import { loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/read.ts';
import { expectContractHeld } from '../support/contract.ts';
import { leftovers } from '../support/leftovers.ts';
import { NEW_APPS } from '../support/new-apps.ts';
import { runApps } from '../support/run.ts';

describe('the new apps on the local runtime', () => {
  it('verifies and measures every cell of each, within the connection cap, under its own name and stack', async () => {
    // Short windows and one slow-db latency, as in variants.test.ts: the contract, not the figures.
    const { out, results, log } = await runApps(NEW_APPS, { runtime: 'local', duration: '1', warmup: '0.5', dbLatencies: '10' });

    expectContractHeld(results, NEW_APPS);

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
