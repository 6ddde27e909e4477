import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_WAIT_SHARE } from '../../harness/analysis/attribution.ts';
import { findPgbench } from '../../harness/ceilings/pgbench.ts';
import { activeShare, startActivitySampler } from '../../harness/db/activity.ts';
import { waitForIdleBackends } from '../../harness/db/busy-backends.ts';
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

  it("waits for the app's backends to go idle: not while one is inside a transaction, at once when none is", async () => {
    const app = 'db-waits-leftover';
    const busy = await connect(app);
    await busy.query('BEGIN');
    await busy.query('SELECT 1');
    const held = await waitForIdleBackends(database.url, app, 300);
    expect(held.idle).toBe(false);
    expect(held.waitedMs).toBeGreaterThanOrEqual(300);
    // The transaction ends 200 ms into the wait: the wait ends with it, well before its limit.
    setTimeout(() => void busy.query('COMMIT'), 200);
    const freed = await waitForIdleBackends(database.url, app, 10_000);
    expect(freed.idle).toBe(true);
    expect(freed.waitedMs).toBeLessThan(5_000);
    // Another app's busy backend is not this app's.
    await busy.query('BEGIN');
    expect((await waitForIdleBackends(database.url, 'db-waits-nobody', 1_000)).idle).toBe(true);
    await busy.query('COMMIT');
  });
});

/**
 * The commit-latency label's threshold against a known answer: eight clients that each write
 * one row per transaction and do nothing else are commit-bound when every commit waits for its
 * WAL flush (synchronous_commit on), and cannot be when none does (off). The sampler must put
 * the first above COMMIT_WAIT_SHARE and the second near zero; the shares it read are printed.
 */
describe('commit waits on a real commit-bound load', () => {
  let database: Database;
  let pgbench: string | undefined;
  let dir: string;

  beforeAll(async () => {
    pgbench = await findPgbench();
    database = await startEmbeddedDatabase({ cpus: [] });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE commit_rows (id int PRIMARY KEY, n bigint NOT NULL)');
      await client.query('INSERT INTO commit_rows SELECT g, 0 FROM generate_series(1, 10000) AS g');
    } finally {
      await client.end();
    }
    dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-commit-waits-'));
    await writeFile(path.join(dir, 'write.sql'), '\\set id random(1, 10000)\nUPDATE commit_rows SET n = n + 1 WHERE id = :id;\n');
  }, 120_000);

  afterAll(async () => {
    await database?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function commitShare(synchronousCommit: 'on' | 'off'): Promise<number> {
    if (!pgbench) throw new Error('pgbench not found: apt-get install postgresql-client (CI installs it)');
    const name = `commit-waits-${synchronousCommit}`;
    const u = new URL(database.url);
    u.searchParams.set('application_name', name);
    const load = execa(pgbench, ['-n', '-M', 'prepared', '-c', '8', '-j', '1', '-T', '3', '-f', path.join(dir, 'write.sql'), u.toString()], {
      env: { PGOPTIONS: `-c synchronous_commit=${synchronousCommit}` },
      reject: false,
    });
    // The window starts once the clients are connected and writing, as a cell's starts after its warm-up.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const sampler = startActivitySampler(database.url, 20, name);
    sampler.measureStart?.();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const counts = await sampler.stop();
    const done = await load;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    const share = activeShare(counts.waits!, 'commit') ?? 0;
    console.log(
      `synchronous_commit=${synchronousCommit}: ${(share * 100).toFixed(1)}% of active backends waited on a WAL flush (${counts.waits!.samples} samples)`,
    );
    return share;
  }

  it('crosses the commit-latency threshold with synchronous_commit on, and stays near zero with it off', async () => {
    const on = await commitShare('on');
    const off = await commitShare('off');
    expect(on).toBeGreaterThanOrEqual(COMMIT_WAIT_SHARE);
    expect(off).toBeLessThan(0.05);
  }, 60_000);
});
