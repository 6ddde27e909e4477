import pg from 'pg';
import { harnessConnectionString } from '../db/app-name.ts';
import type { CommitLatency } from '../results/commit-latency-schema.ts';
import { runPgbenchOutput } from './pgbench.ts';

/** One transaction = one single-row UPDATE and its commit (pgbench runs each script as its own transaction). */
export const COMMIT_SCRIPT = '\\set id random(1, 10000)\n\\set r random(1, 10000)\nUPDATE world SET randomnumber = :r WHERE id = :id;\n';
/** Long enough for a few hundred commits even on a slow volume; short beside the cells. */
export const COMMIT_TEST_S = 3;

/** Where the test runs: the app's CPUs, as the database ceilings do. */
export interface CommitLatencySetup {
  cpus: number[];
  pin: boolean;
}

async function settings(url: string): Promise<{ synchronousCommit: string; walLevel: string }> {
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'probe'), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const sc = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    const wl = await client.query<{ wal_level: string }>('SHOW wal_level');
    return { synchronousCommit: sc.rows[0]!.synchronous_commit, walLevel: wl.rows[0]!.wal_level };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The database's commit latency: one pgbench client sending single-row UPDATEs, each its own
 * transaction, for COMMIT_TEST_S. With synchronous_commit on, each waits for its WAL flush, so
 * the mean transaction time is the commit latency plus a fraction of a millisecond of statement.
 */
export async function measureCommitLatency(binary: string, url: string, setup: CommitLatencySetup): Promise<CommitLatency> {
  const seen = await settings(url);
  const out = await runPgbenchOutput(binary, url, { script: COMMIT_SCRIPT }, 1, COMMIT_TEST_S, setup.cpus, setup.pin, 'prepared');
  return {
    msPerCommit: out.latencyAverageMs ?? 1000 / out.tps,
    commitsPerS: out.tps,
    clients: 1,
    durationS: COMMIT_TEST_S,
    synchronousCommit: seen.synchronousCommit,
    walLevel: seen.walLevel,
    tool: 'pgbench',
  };
}
