import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActivitySampler } from '../../harness/db/activity.ts';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import type { Database } from '../../harness/db/types.ts';

const APP = 'db-waits-app';

// The sampler against a real PostgreSQL (embedded, a free port): two connections of one
// "app", the first holding a row lock in an open transaction, the second waiting on it.
describe('the activity sampler on a real row-lock wait', () => {
  let database: Database;
  const clients: pg.Client[] = [];
  const connect = async (name: string) => {
    const u = new URL(database.url);
    u.searchParams.set('application_name', name);
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await startEmbeddedDatabase({ cpus: [] });
    const setup = await connect('db-waits-setup');
    await setup.query('CREATE TABLE waits_row (id int PRIMARY KEY, n bigint NOT NULL)');
    await setup.query('INSERT INTO waits_row VALUES (1, 0)');
  }, 120_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await database?.stop();
  });

  it('counts one backend waiting on a lock and one idle in transaction, of two', async () => {
    const holder = await connect(APP);
    const waiter = await connect(APP);
    await holder.query('BEGIN');
    await holder.query('UPDATE waits_row SET n = n + 1 WHERE id = 1');
    const waiting = waiter.query('UPDATE waits_row SET n = n + 1 WHERE id = 1');
    // Until the second UPDATE shows as waiting, the window would start early.
    for (let i = 0; i < 100; i++) {
      const r = await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [APP]);
      if (r.rows[0].n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sampler = startActivitySampler(database.url, 20, APP);
    sampler.measureStart?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = await sampler.stop();
    await holder.query('COMMIT');
    await waiting;

    expect(counts.peak).toBe(2);
    const waits = counts.waits!;
    expect(waits.samples).toBeGreaterThanOrEqual(5);
    expect(waits.total.mean).toBe(2);
    expect(waits.active.mean).toBe(1);
    expect(waits.lock).toEqual({ mean: 1, seenShare: 1 });
    expect(waits.idleInTransaction).toEqual({ mean: 1, seenShare: 1 });
    expect(waits.commit.mean).toBe(0);
    expect(waits.onCpu.mean).toBe(0);
  });
});
