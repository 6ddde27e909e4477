import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgbench, runPgbench } from '../../harness/ceilings/pgbench.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { ensureWorld } from '../../harness/db/seed.ts';
import type { Database } from '../../harness/db/types.ts';

/**
 * The updates ceiling's scripts run by the real pgbench against a PostgreSQL the test starts
 * (embedded, a free port below 32768): each protocol's form must run without a failed
 * transaction and really write rows. A pipeline over the simple protocol, or a CASE that
 * PostgreSQL cannot type, would fail here, not in a user's run.
 */
let server: Database;
let pgbench: string | undefined;

beforeAll(async () => {
  pgbench = await findPgbench();
  server = await startEmbeddedDatabase({ cpus: [] });
  await ensureWorld(server.url);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function rowsWritten(): Promise<number> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query('SELECT pg_stat_force_next_flush()');
    const r = await client.query<{ n: string }>("SELECT n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'world'");
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

describe('the updates ceiling under pgbench', () => {
  for (const protocol of ['prepared', 'extended', 'simple'] as const) {
    it(`runs over ${protocol} and writes 20 rows a transaction`, async () => {
      if (!pgbench) throw new Error('pgbench not found: apt-get install postgresql-client (CI installs it)');
      const before = await rowsWritten();
      const tps = await runPgbench(pgbench, server.url, { kind: 'updates', queries: 20 }, 2, 1, [], false, protocol);
      expect(tps).toBeGreaterThan(0);
      // Every transaction wrote its 20 rows: about 20 x tps over the second, never fewer than 20.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const written = (await rowsWritten()) - before;
      expect(written).toBeGreaterThanOrEqual(20);
      expect(written % 20).toBe(0);
    }, 60_000);
  }
});
