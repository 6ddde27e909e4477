import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { workerSettings } from '../../harness/apps/workers.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { ensureWorld } from '../../harness/db/seed.ts';
import type { Database } from '../../harness/db/types.ts';
import { APPS_DIR, CACHE_DIR } from '../../harness/paths.ts';
import { findPython, pythonNeed } from '../../harness/python/discover.ts';
import { createLocalRuntime } from '../../harness/runtime/local.ts';
import { waitUntilReady } from '../../harness/runtime/ready.ts';
import { appConnectionName, type Runtime } from '../../harness/runtime/types.ts';
import { findFreePort } from '../../harness/util/ports.ts';
import { databaseProbes } from '../../harness/verify/probes.ts';
import { type DatabaseProbes, type VerificationResult, verifyCell } from '../../harness/verify/verify.ts';
import { FIXTURE_APPS, runApps } from '../support/run.ts';

/** The default cap, one worker: each app gets a pool (threads) of 10. */
const CONNECTION_CAP = 10;

/**
 * Every shipped app's TechEmpower endpoints that need no load to prove (docs/scenarios.md),
 * verified for real as a run verifies them before measuring: its local venv, the embedded
 * PostgreSQL seeded by the harness, pg_stat_statements, the connection burst. Two cheating
 * fixtures must fail. No load is measured here: that is local-apps.test.ts's part.
 */
describe('fortunes and plaintext on every app', () => {
  let database: Database;
  let probes: DatabaseProbes;
  let runtime: Runtime;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ cpus: [] });
    await ensureWorld(database.url);
    probes = await databaseProbes(database.url);
    const names = await listAppNames(APPS_DIR);
    const apps = await Promise.all(names.map((n) => loadApp(APPS_DIR, n)));
    runtime = createLocalRuntime({ python: await findPython(undefined, pythonNeed(apps)), cacheDir: path.join(CACHE_DIR, 'venvs'), pin: false });
  });

  afterAll(async () => {
    await runtime?.close();
    await database?.stop();
  });

  /** Starts `name` from `dir`, runs `check` against it, and stops it whatever happens. */
  async function withApp<T>(dir: string, name: string, check: (baseUrl: string) => Promise<T>): Promise<T> {
    const prepared = await runtime.prepare(await loadApp(dir, name), () => undefined);
    const settings = workerSettings(prepared.app, 1, CONNECTION_CAP);
    const app = await runtime.start({ prepared, port: await findFreePort(), settings, databaseUrl: database.url, cpus: [], runId: 'fortunes-test' });
    try {
      await waitUntilReady(app);
      return await check(app.baseUrl);
    } finally {
      await app.stop();
    }
  }

  const verify = (name: string, baseUrl: string, kind: 'fortunes' | 'plaintext', p: string): Promise<VerificationResult> =>
    verifyCell(baseUrl, { kind, path: p }, probes, { connectionCap: CONNECTION_CAP, appConnectionName: appConnectionName(name) });

  it('every shipped app serves the escaped, sorted table from one query on fortune per page, and Hello, World! as text/plain', async () => {
    const names = await listAppNames(APPS_DIR);
    expect(names.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const name of names) {
      const [result, plain] = await withApp(APPS_DIR, name, async (url) => [
        await verify(name, url, 'fortunes', '/fortunes'),
        await verify(name, url, 'plaintext', '/plaintext'),
      ]);
      if (!plain.ok) failures.push(`${name} /plaintext: ${plain.problems.join('; ')}`);
      // No database: no connection burst for plaintext.
      else expect(plain.checked, name).toEqual(['/plaintext']);
      if (!result.ok) failures.push(`${name}: ${result.problems.join('; ')}`);
      else {
        // The page check and the statement count both ran: pg_stat_statements is loaded on the embedded server.
        expect(result.checked.join('\n'), name).toMatch(/TechEmpower's fortunes, escaped, sorted/);
        expect(result.checked.join('\n'), name).toMatch(/5 pages came from at least 5 queries on fortune reading at least 60 rows/);
        expect(result.checked.join('\n'), name).toMatch(/under 20 concurrent requests to \/fortunes/);
      }
    }
    expect(failures).toEqual([]);
  });

  it('fails a page served without reading the database, a page that does not escape, and plaintext of the wrong type', async () => {
    const [cached, plain] = await withApp(FIXTURE_APPS, 'fortunes-cached', async (url) => [
      await verifyCell(url, { kind: 'fortunes', path: '/fortunes' }, probes),
      await verifyCell(url, { kind: 'plaintext', path: '/plaintext' }, probes),
    ]);
    expect(cached.problems).toEqual(['5 fortunes pages were served but the database ran only 0 queries on fortune; each page must read the table again']);
    // The fixture answers every path with its HTML page.
    expect(plain.problems[0]).toBe("GET /plaintext: Content-Type is 'text/html; charset=utf-8', expected text/plain (charset utf-8 or none)");
    expect(plain.problems[1]).toMatch(/^GET \/plaintext: body is "<!DOCTYPE html>/);
    const unescaped = await withApp(FIXTURE_APPS, 'fortunes-unescaped', (url) => verifyCell(url, { kind: 'fortunes', path: '/fortunes' }, probes));
    expect(unescaped.ok).toBe(false);
    expect(unescaped.problems[0]).toMatch(/^GET \/fortunes: the page differs from TechEmpower's fortunes table: line 5 /);
  });

  it('measures plaintext pipelined 16-deep, against a load generator ceiling measured the same way', async () => {
    // One app, short windows: the pipelining path end to end, not a figure.
    const { results } = await runApps(['starlette'], { runtime: 'local', scenarios: 'plaintext', duration: '1', warmup: '0.5' });
    const cell = results.cells[0]!;
    expect(cell).toMatchObject({ id: 'starlette/plaintext/c64', kind: 'plaintext', pipelining: 16, status: 'ok' });
    const m = cell.repeats[0]!.measurement;
    expect(m.requests2xx).toBeGreaterThan(0);
    expect(m.errors + m.non2xx + m.timeouts).toBe(0);
    // No database: no connection count, no database ceiling; two load generator ceilings, plain and pipelined.
    expect(cell.repeats[0]!.resources?.dbConnections).toBeUndefined();
    expect(results.ceilings.map((c) => `${c.kind}/${c.pipelining ?? 1}`).sort()).toEqual(['loadgen/1', 'loadgen/16']);
    expect(analyze(results).cells[0]!.judgedAgainst?.loadgenCeiling?.id).toBe('loadgen/c64/p16');
  });
});
