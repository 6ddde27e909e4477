import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { databaseProbes, isHarnessStatement, tagProbe } from '../../harness/verify/probes.ts';
import { sweptProbes } from '../../harness/verify/swept-probes.ts';
import { type DatabaseProbes, verifyCell } from '../../harness/verify/verify.ts';
import { FIXTURE_APPS } from '../support/run.ts';

const FIXTURES = ['swept-honest', 'db-cpu-fake', 'db-cpu-token', 'big-result-short', 'hot-rows-lossy', 'plaintext-wrong-type'];
const DB_CPU = { kind: 'db-cpu' as const, path: '/db-cpu?work=10000' };
const BIG_RESULT = { kind: 'big-result' as const, path: '/big-result?rows=2000' };
const HOT_ROWS = { kind: 'hot-rows' as const, path: '/hot-rows?k=10' };

/**
 * The verification of db-cpu, big-result and hot-rows (docs/scenarios.md) against fixture apps
 * and the embedded PostgreSQL seeded by the harness: an honest app passes, each cheating app
 * fails on the check meant for it, with pg_stat_statements and without. Every shipped app passes
 * as a run verifies it: a connection cap of 10, its connections counted by name, and a
 * whole-table big-result besides the cells' values.
 */
describe('verification of the swept scenarios', () => {
  let database: Database;
  let probes: DatabaseProbes;
  /** The probes databaseProbes builds where the server does not load pg_stat_statements. */
  let fallback: DatabaseProbes;
  let runtime: Runtime;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ cpus: [] });
    await ensureWorld(database.url);
    probes = await databaseProbes(database.url);
    const queryRows = async (sql: string) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(tagProbe(sql))).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    fallback = { sleeping: async () => false, swept: sweptProbes({ queryRows, isHarness: isHarnessStatement }) };
    const apps = await Promise.all([...FIXTURES.map((n) => loadApp(FIXTURE_APPS, n)), ...(await listAppNames(APPS_DIR)).map((n) => loadApp(APPS_DIR, n))]);
    runtime = createLocalRuntime({ python: await findPython(undefined, pythonNeed(apps)), cacheDir: path.join(CACHE_DIR, 'venvs'), pin: false });
  }, 600_000);

  afterAll(async () => {
    await runtime?.close();
    await database?.stop();
  });

  async function withApp<T>(name: string, check: (baseUrl: string) => Promise<T>, dir = FIXTURE_APPS): Promise<T> {
    const prepared = await runtime.prepare(await loadApp(dir, name), () => undefined);
    const settings = workerSettings(prepared.app, 1, 10);
    const app = await runtime.start({ prepared, port: await findFreePort(), settings, databaseUrl: database.url, cpus: [], runId: 'swept-verify-test' });
    try {
      await waitUntilReady(app);
      return await check(app.baseUrl);
    } finally {
      await app.stop();
    }
  }

  it('passes an app that does what the contract asks, with pg_stat_statements and without', async () => {
    const [dbCpu, bigResult, hotRows, dbCpuFallback, bigResultFallback] = await withApp('swept-honest', async (url) => [
      await verifyCell(url, DB_CPU, probes),
      await verifyCell(url, BIG_RESULT, probes),
      await verifyCell(url, HOT_ROWS, probes),
      await verifyCell(url, DB_CPU, fallback),
      await verifyCell(url, BIG_RESULT, fallback),
    ]);
    expect(dbCpu.problems).toEqual([]);
    expect(dbCpu.checked).toContain('5 requests, 5 statements calling generate_series (pg_stat_statements)');
    expect(dbCpu.checked.join('\n')).toMatch(/their execution took [\d.]+ ms in the database; summing 1,000,000 rows once takes it [\d.]+ ms/);
    expect(bigResult.problems).toEqual([]);
    expect(bigResult.checked.join('\n')).toContain('7 responses, 7 queries on world reading');
    expect(hotRows.problems).toEqual([]);
    expect(hotRows.checked.join('\n')).toMatch(
      /under 16 concurrent requests to \/hot-rows\?k=3 for 1 s: (\d+) successful answers, the counters of hotrow 1..3 rose by \1 /,
    );
    expect(dbCpuFallback.problems).toEqual([]);
    expect(dbCpuFallback.checked.join('\n')).toContain('seen running while it was served (pg_stat_activity)');
    expect(bigResultFallback.problems).toEqual([]);
  });

  it('passes every shipped app on all three, with the connection burst', async () => {
    const names = await listAppNames(APPS_DIR);
    expect(names.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const name of names) {
      const results = await withApp(
        name,
        async (url) => {
          const out: [string, string[]][] = [];
          for (const cell of [DB_CPU, BIG_RESULT, HOT_ROWS, { kind: 'big-result' as const, path: '/big-result?rows=10000' }]) {
            const r = await verifyCell(url, cell, probes, { connectionCap: 10, appConnectionName: appConnectionName(name) });
            out.push([cell.path, r.problems]);
          }
          return out;
        },
        APPS_DIR,
      );
      failures.push(...results.filter(([, problems]) => problems.length > 0).map(([p, problems]) => `${name} ${p}: ${problems.join('; ')}`));
    }
    expect(failures).toEqual([]);
  }, 1_800_000);

  it('fails a db-cpu sum computed without the database, by pg_stat_statements or pg_stat_activity', async () => {
    const [counted, watched] = await withApp('db-cpu-fake', async (url) => [await verifyCell(url, DB_CPU, probes), await verifyCell(url, DB_CPU, fallback)]);
    expect(counted.problems).toEqual([
      '5 db-cpu responses were served but the database ran only 0 statements calling generate_series; each sum must be computed by the database',
    ]);
    expect(watched.problems).toEqual([
      'GET /db-cpu?work=1000001: no statement calling generate_series seen running in pg_stat_activity while it was served; the sum must be computed by the database',
    ]);
  });

  it('fails a db-cpu sum computed in the app beside a token generate_series per request, by the database time it took', async () => {
    const result = await withApp('db-cpu-token', (url) => verifyCell(url, DB_CPU, probes));
    // One statement per request, each returning its row: the counts pass, the time does not.
    expect(result.checked).toContain('5 requests, 5 statements calling generate_series (pg_stat_statements)');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^the database spent [\d.]+ ms executing the 5 db-cpu requests' generate_series statements, less than 25% of the [\d.]+ ms it takes to sum 1,000,000 rows once \(the largest request\); the work must be done by the database, not in the app$/,
    );
  });

  it('fails a big-result response with fewer rows than asked', async () => {
    const result = await withApp('big-result-short', (url) => verifyCell(url, BIG_RESULT, probes));
    expect(result.problems).toEqual(['GET /big-result?rows=2000: got 1000 rows, expected 2000']);
  });

  it('fails hot-rows increments lost to an unlocked read-modify-write under concurrency', async () => {
    const result = await withApp('hot-rows-lossy', (url) => verifyCell(url, HOT_ROWS, probes));
    // One request at a time it is right: only the burst shows it.
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0]).toMatch(
      /^under 16 concurrent requests to \/hot-rows\?k=3 for 1 s: \d+ successful answers but the counters rose by only \d+; increments were lost$/,
    );
  });

  it('fails plaintext answered with the right body as text/html', async () => {
    const result = await withApp('plaintext-wrong-type', (url) => verifyCell(url, { kind: 'plaintext', path: '/plaintext' }, probes));
    expect(result.problems).toEqual(["GET /plaintext: Content-Type is 'text/html; charset=utf-8', expected text/plain (charset utf-8 or none)"]);
  });
});
