import Docker from 'dockerode';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startDockerDatabase } from '../../harness/db/docker.ts';
import { removeLeftoverContainers } from '../../harness/docker/client.ts';
import { startConnectionSampler } from '../../harness/verify/connections.ts';
import { dockerTestGate } from '../support/docker.ts';

// Real Docker: PostgreSQL from the offline image (.ci/docker-setup.sh builds it). On CI the
// test must run; elsewhere it is skipped with the reason.
const IMAGE = process.env.CROSSOVER_TEST_DB_IMAGE ?? 'crossover-postgres:trixie';

const { run: runTests, ready } = await dockerTestGate('Docker database test', IMAGE);

describe.runIf(runTests)('docker database', () => {
  const runId = `test-db-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    if (ready.ok) await removeLeftoverContainers(new Docker(), runId);
  });

  it('serves hello_world on 127.0.0.1 with a password, and stop() removes the container', async () => {
    if (!ready.ok) throw new Error(`the Docker database test needs Docker: ${ready.reason}`);
    const db = await startDockerDatabase({ image: IMAGE, cpus: [], runId });
    try {
      expect(db.kind).toBe('docker');
      expect(db.url).toMatch(/^postgres:\/\/bench:[^@]+@127\.0\.0\.1:\d+\/hello_world$/);
      const port = Number(new URL(db.url).port);
      expect(port).toBeLessThan(32768);
      expect(port).not.toBe(5432);
      expect(db.version).toMatch(/^PostgreSQL \d+/);

      const client = new pg.Client(db.url);
      await client.connect();
      const row = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0];
      await client.end();
      expect(row?.db).toBe('hello_world');

      const wrong = new URL(db.url);
      wrong.password = 'not-the-password';
      const refused = new pg.Client(wrong.toString());
      refused.on('error', () => undefined);
      await expect(refused.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await db.stop();
      await db.stop();
    }
    const mine = await new Docker().listContainers({ all: true, filters: { label: [`crossover-bench.run=${runId}`] } });
    expect(mine).toEqual([]);
  });
  it("keeps its health watch's connection out of the app's connection count (named crossover-bench-health)", async () => {
    if (!ready.ok) throw new Error(`the Docker database test needs Docker: ${ready.reason}`);
    const db = await startDockerDatabase({ image: IMAGE, cpus: [], runId });
    const observer = new pg.Client(db.url);
    try {
      await observer.connect();
      // The watch opens its connection on its first check (1 s) and keeps it through every cell.
      const names = async () =>
        (
          await observer.query<{ name: string }>(
            "SELECT application_name AS name FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()",
          )
        ).rows.map((r) => r.name);
      const deadline = Date.now() + 10_000;
      while (!(await names()).includes('crossover-bench-health') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await names()).toEqual(['crossover-bench-health']);
      const sampler = startConnectionSampler(db.url, 10);
      await new Promise((r) => setTimeout(r, 300));
      // Only the observer, which stands for the app here: the watch (and the sampler) are the harness's.
      expect((await sampler.stop()).peak).toBe(1);
    } finally {
      await observer.end().catch(() => undefined);
      await db.stop();
    }
  });
});
