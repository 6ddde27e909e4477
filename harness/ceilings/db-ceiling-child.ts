/**
 * The database ceiling: the same SQL an app issues, sent directly with node-postgres,
 * through a pool of the same connection cap, by as many concurrent clients as the load
 * generator has connections, for the same duration. Prints one JSON line.
 */
import pg from 'pg';
import { harnessConnectionString } from '../db/app-name.ts';
import { BIG_RESULT_SQL, DB_CPU_SQL, HOT_ROWS_SQL } from './pgbench.ts';

interface Job {
  url: string;
  connectionCap: number;
  concurrency: number;
  warmupS: number;
  durationS: number;
  kind: 'db' | 'fortunes' | 'queries' | 'updates' | 'slow-db' | 'db-cpu' | 'big-result' | 'hot-rows';
  queries: number;
  dbLatencyMs: number;
  /** db-cpu's work, big-result's rows, hot-rows' k. */
  param: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
// Named as the harness's: on the benchmark database, the ceiling's connections are not an app's.
const pool = new pg.Pool({ connectionString: harnessConnectionString(job.url, 'ceiling'), max: job.connectionCap });
const randomId = () => 1 + Math.floor(Math.random() * 10_000);
// Named statements: prepared once per connection, as asyncpg and psycopg's pipelines do.
const ROW = { name: 'world_row', text: 'SELECT id, randomnumber FROM world WHERE id = $1' };
const UPDATE = { name: 'world_update', text: 'UPDATE world SET randomnumber = $2 WHERE id = $1' };
const SLOW = { name: 'world_slow', text: 'SELECT w.id, w.randomnumber FROM world AS w, pg_sleep($1) WHERE w.id = $2' };
const FORTUNES = { name: 'fortune_all', text: 'SELECT id, message FROM fortune' };

async function request(): Promise<void> {
  if (job.kind === 'slow-db') {
    await pool.query({ ...SLOW, values: [job.dbLatencyMs / 1000, randomId()] });
  } else if (job.kind === 'updates') {
    // /updates: N reads, then N single-row UPDATEs in one transaction, ids distinct and ascending (pgbench.ts updatesScript).
    const stride = Math.floor(10_000 / job.queries);
    const ids = Array.from({ length: job.queries }, (_, i) => i * stride + 1 + Math.floor(Math.random() * stride));
    const client = await pool.connect();
    try {
      for (const id of ids) await client.query({ ...ROW, values: [id] });
      await client.query('BEGIN');
      for (const id of ids) await client.query({ ...UPDATE, values: [id, randomId()] });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  } else if (job.kind === 'fortunes') {
    await pool.query(FORTUNES);
  } else if (job.kind === 'db-cpu') {
    await pool.query({ name: 'db_cpu', text: DB_CPU_SQL, values: [job.param] });
  } else if (job.kind === 'big-result') {
    await pool.query({ name: 'big_result', text: BIG_RESULT_SQL, values: [job.param] });
  } else if (job.kind === 'hot-rows') {
    await pool.query({ name: 'hot_rows', text: HOT_ROWS_SQL, values: [1 + Math.floor(Math.random() * job.param)] });
  } else {
    // /queries fetches its rows one query after another on one checked-out connection.
    const n = job.kind === 'queries' ? job.queries : 1;
    const client = await pool.connect();
    try {
      for (let i = 0; i < n; i++) await client.query({ ...ROW, values: [randomId()] });
    } finally {
      client.release();
    }
  }
}

async function drive(seconds: number): Promise<{ requests: number; elapsedS: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let requests = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline) {
        await request();
        requests++;
      }
    }),
  );
  return { requests, elapsedS: (performance.now() - started) / 1000 };
}

if (job.warmupS > 0) await drive(job.warmupS);
process.stderr.write('measuring\n');
const { requests, elapsedS } = await drive(job.durationS);
await pool.end();
process.stdout.write(JSON.stringify({ requests, elapsedS, rps: requests / elapsedS }));
