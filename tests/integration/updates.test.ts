import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { workerSettings } from '../../harness/apps/workers.ts';
import { COMMIT_TEST_S, measureCommitLatency } from '../../harness/ceilings/commit-latency.ts';
import { findPgbench } from '../../harness/ceilings/pgbench.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { ensureWorld } from '../../harness/db/seed.ts';
import { applySynchronousCommit } from '../../harness/db/synchronous-commit.ts';
import type { Database } from '../../harness/db/types.ts';
import { APPS_DIR, CACHE_DIR } from '../../harness/paths.ts';
import { findPython, pythonNeed } from '../../harness/python/discover.ts';
import { createLocalRuntime } from '../../harness/runtime/local.ts';
import type { RunningApp, Runtime } from '../../harness/runtime/types.ts';
import { findFreePort } from '../../harness/util/ports.ts';
import { burst } from '../../harness/verify/burst.ts';
import { fetchOnce } from '../../harness/verify/http.ts';
import { databaseProbes, isAppWorldStatement, tagProbe } from '../../harness/verify/probes.ts';
import { updateProbes } from '../../harness/verify/update-probes.ts';
import type { DatabaseProbes } from '../../harness/verify/verify.ts';
import { verifyCell } from '../../harness/verify/verify.ts';
import { FIXTURE_APPS } from '../support/run.ts';

const CONNECTION_CAP = 10;
const STARTUP_TIMEOUT_MS = 60_000;
const CELL = { kind: 'updates' as const, path: '/updates?queries=20', queries: 20 };
/** Apps whose ORM writes a request's rows in one statement (bulk_update); the others send one UPDATE per row (executemany). */
const ONE_STATEMENT = ['django', 'django-asgi', 'django-bolt', 'django-ninja', 'drf'];

// Every shipped app's /updates and a cheating fixture, for real: cached venvs, the embedded
// PostgreSQL, verification called directly as the orchestrator calls it per cell.
describe('the updates test type', () => {
  let database: Database;
  let probes: DatabaseProbes;
  let runtime: Runtime;
  let names: string[];

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ cpus: [] });
    await ensureWorld(database.url);
    probes = await databaseProbes(database.url);
    names = await listAppNames(APPS_DIR);
    const apps = await Promise.all([...names.map((n) => loadApp(APPS_DIR, n)), loadApp(FIXTURE_APPS, 'lost-updates')]);
    runtime = createLocalRuntime({ python: await findPython(undefined, pythonNeed(apps)), cacheDir: path.join(CACHE_DIR, 'venvs'), pin: false });
  }, 600_000);

  afterAll(async () => {
    await runtime?.close();
    await database?.stop();
  });

  async function start(dir: string, name: string): Promise<RunningApp> {
    const prepared = await runtime.prepare(await loadApp(dir, name), () => undefined);
    const settings = workerSettings(prepared.app, 1, CONNECTION_CAP);
    const app = await runtime.start({ prepared, port: await findFreePort(), settings, databaseUrl: database.url, cpus: [], runId: 'updates-test' });
    const agent = new http.Agent();
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      try {
        if ((await fetchOnce(app.baseUrl, '/json', agent)).status < 500) break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${name} did not answer: ${(error as Error).message}; ${(await app.lastLogLines()).join(' | ')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    agent.destroy();
    return app;
  }

  it('passes every shipped app: rows read one query each, written, committed, clamped, and no deadlock under concurrency', async () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const app = await start(APPS_DIR, name);
      try {
        const result = await verifyCell(app.baseUrl, CELL, probes, { connectionCap: CONNECTION_CAP });
        expect(result.problems, name).toEqual([]);
        const checked = result.checked.join('\n');
        // The read-back ran for the cell's request and the 501 -> 500 clamp case.
        expect(checked, name).toContain('/updates?queries=20: the 20 returned rows hold the returned values');
        expect(checked, name).toContain('/updates?queries=501: the 500 returned rows hold the returned values');
        // 20 + 1 + 1 + 1 + 500 rows, all distinct within a request, of which a few may draw their
        // old value again (once in 10,000): the SQLAlchemy apps leave those out of the UPDATE, the
        // Django apps write every row. UPDATE calls: one per request, or one per row written.
        const changed = Number(/(\d+) distinct rows changed by UPDATEs on world/.exec(checked)?.[1]);
        const calls = Number(/pg_stat_statements: (\d+) UPDATE calls, (\d+) rows/.exec(checked)?.[1]);
        const rows = Number(/pg_stat_statements: (\d+) UPDATE calls, (\d+) rows/.exec(checked)?.[2]);
        expect(changed, name).toBeGreaterThanOrEqual(523 - 10);
        expect(rows, name).toBeGreaterThanOrEqual(changed);
        expect(rows, name).toBeLessThanOrEqual(523);
        expect(calls, name).toBe(ONE_STATEMENT.includes(name) ? 5 : rows);
        // Twice the cap of concurrent writers for a second: sorted ids, so no request fails on a deadlock.
        const outcome = await burst(app.baseUrl, CELL.path, 2 * CONNECTION_CAP, 1000);
        expect(outcome.failures, `${name}: ${outcome.firstFailure}`).toBe(0);
        expect(outcome.ok, name).toBeGreaterThan(0);
      } finally {
        await app.stop();
      }
    }
  }, 300_000);

  it('fails an app whose updates are rolled back, and one that returns new values without writing', async () => {
    const app = await start(FIXTURE_APPS, 'lost-updates');
    try {
      const rolledBack = await verifyCell(app.baseUrl, CELL, probes);
      expect(rolledBack.ok).toBe(false);
      // pg_stat_statements counts the UPDATEs all the same: only the read-back on another connection catches it.
      expect(rolledBack.problems).toHaveLength(1);
      expect(rolledBack.problems[0]).toMatch(
        /^GET \/updates\?queries=20: (19|20) of 20 returned rows do not hold the returned value when read back on another connection/,
      );

      const noWrite = await verifyCell(app.baseUrl, { ...CELL, path: '/no-write?queries=20' }, probes);
      expect(noWrite.ok).toBe(false);
      expect(noWrite.problems[0]).toMatch(/^GET \/no-write\?queries=20: (19|20) of 20 returned rows do not hold the returned value/);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('counts the writes in pg_stat_user_tables where the server has no pg_stat_statements', async () => {
    const app = await start(APPS_DIR, 'starlette');
    try {
      const queryRows = async (sql: string) => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          return (await client.query(tagProbe(sql))).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      };
      // The probes databaseProbes builds when CREATE EXTENSION pg_stat_statements fails.
      const fallback = updateProbes({ queryRows, isAppWorldStatement });
      expect(fallback.statements).toBeUndefined();
      const result = await verifyCell(app.baseUrl, CELL, { sleeping: async () => false, updates: fallback });
      expect(result.problems).toEqual([]);
      // Table statistics arrive when the app's backends report them: polled until they show the changed rows.
      const counted = /(\d+) distinct rows changed: (\d+) tuples updated in world \(pg_stat_user_tables.n_tup_upd\)/.exec(result.checked.join('\n'));
      expect(Number(counted?.[1])).toBeGreaterThanOrEqual(523 - 10);
      expect(Number(counted?.[2])).toBeGreaterThanOrEqual(Number(counted?.[1]));
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('measures the commit latency with pgbench, under the server setting and under --synchronous-commit off', async () => {
    const pgbench = await findPgbench();
    expect(pgbench, 'pgbench (postgresql-client) is needed for the commit latency').toBeDefined();
    const on = await measureCommitLatency(pgbench!, database.url, { cpus: [], pin: false });
    expect(on).toMatchObject({ synchronousCommit: 'on', clients: 1, durationS: COMMIT_TEST_S, tool: 'pgbench' });
    expect(on.msPerCommit).toBeGreaterThan(0);
    expect(on.commitsPerS).toBeGreaterThan(0);
    // Set on the database: connections opened after it (apps, ceilings, this test) run with it.
    await applySynchronousCommit(database, 'off');
    const off = await measureCommitLatency(pgbench!, database.url, { cpus: [], pin: false });
    expect(off.synchronousCommit).toBe('off');
    expect(off.msPerCommit).toBeGreaterThan(0);
  }, 60_000);
});
