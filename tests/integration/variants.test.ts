import { describe, expect, it } from 'vitest';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/read.ts';
import { expectContractHeld } from '../support/contract.ts';
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

    expectContractHeld(results, VARIANTS);

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
