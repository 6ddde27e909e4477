import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { workerSettings } from '../../harness/apps/workers.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { ensureWorld } from '../../harness/db/seed.ts';
import type { Database } from '../../harness/db/types.ts';
import { CACHE_DIR } from '../../harness/paths.ts';
import { findPython, pythonNeed } from '../../harness/python/discover.ts';
import { createLocalRuntime } from '../../harness/runtime/local.ts';
import type { RunningApp, Runtime } from '../../harness/runtime/types.ts';
import { findFreePort } from '../../harness/util/ports.ts';
import { fetchOnce } from '../../harness/verify/http.ts';
import { databaseProbes } from '../../harness/verify/probes.ts';
import type { DatabaseProbes } from '../../harness/verify/verify.ts';
import { verifyCell } from '../../harness/verify/verify.ts';
import { FIXTURE_APPS } from '../support/run.ts';

/** The default cap: with one worker the fixtures get a pool (threads) of 10. */
const CONNECTION_CAP = 10;
const STARTUP_TIMEOUT_MS = 30_000;

// Real fixture apps (stdlib Python + psycopg in a cached venv) against the real embedded
// PostgreSQL; verification is called directly, as the orchestrator calls it per cell.
describe('verification of the fairness rules', () => {
  let database: Database;
  let probes: DatabaseProbes;
  let runtime: Runtime;

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ cpus: [] });
    await ensureWorld(database.url);
    probes = await databaseProbes(database.url);
    const fixtures = await Promise.all((await listAppNames(FIXTURE_APPS)).map((name) => loadApp(FIXTURE_APPS, name)));
    runtime = createLocalRuntime({ python: await findPython(undefined, pythonNeed(fixtures)), cacheDir: path.join(CACHE_DIR, 'venvs'), pin: false });
  });

  afterAll(async () => {
    await runtime?.close();
    await database?.stop();
  });

  async function start(name: string): Promise<RunningApp> {
    const prepared = await runtime.prepare(await loadApp(FIXTURE_APPS, name), () => undefined);
    const settings = workerSettings(prepared.app, 1, CONNECTION_CAP);
    const app = await runtime.start({ prepared, port: await findFreePort(), settings, databaseUrl: database.url, cpus: [], runId: 'verify-fairness' });
    const agent = new http.Agent();
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      try {
        await fetchOnce(app.baseUrl, '/db', agent);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${name} did not answer: ${(error as Error).message}; ${(await app.lastLogLines()).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    agent.destroy();
    return app;
  }

  it("counts an app's statements on world but not its own probes", async () => {
    const before = await probes.worldStatements!();
    // The pg_sleep probe's text holds '%world%', and every probe runs on the benchmark database.
    for (let i = 0; i < 3; i++) expect(await probes.sleeping()).toBe(false);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const id of [1, 2, 3]) await client.query('SELECT id, randomnumber FROM world WHERE id = $1', [id]);
      await client.query('SELECT id FROM world WHERE id = 4 LIMIT 0');
    } finally {
      await client.end();
    }
    const after = await probes.worldStatements!();
    expect({ calls: after.calls - before.calls, rows: after.rows - before.rows }).toEqual({ calls: 4, rows: 3 });
  });

  it('fails an app whose queries read fewer rows than it serves, and passes its honest /db', async () => {
    const app = await start('phantom-rows');
    const honest = await verifyCell(app.baseUrl, { kind: 'db', path: '/db' }, probes, { connectionCap: CONNECTION_CAP });
    expect(honest.problems).toEqual([]);
    // One shared connection: the burst line is there and the count stays within the cap.
    expect(honest.checked.join('\n')).toMatch(/under 20 concurrent requests to \/db for 1 s: at most 1 database connections, cap 10/);

    const cheat = await verifyCell(app.baseUrl, { kind: 'queries', path: '/queries?queries=20', queries: 20 }, probes, { connectionCap: CONNECTION_CAP });
    expect(cheat.ok).toBe(false);
    // 20 + 1 + 1 + 1 + 500 rows served, each from a query of its own: only the rows read give it away.
    expect(cheat.problems).toEqual([
      '523 rows were served from 523 queries on world, but those queries read only 5 rows; each row served must be a row read from the database',
    ]);
  });

  it('fails an app that holds more database connections than the cap under concurrency', async () => {
    const app = await start('no-pool');
    const result = await verifyCell(app.baseUrl, { kind: 'db', path: '/db' }, probes, { connectionCap: CONNECTION_CAP });
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    const peak = Number(/held up to (\d+) database connections/.exec(result.problems[0]!)?.[1]);
    expect(peak).toBeGreaterThan(CONNECTION_CAP);
    expect(result.problems[0]).toContain('under 20 concurrent requests to /db for 1 s the app held up to');
    expect(result.problems[0]).toContain('above the cap of 10');
  });
});
