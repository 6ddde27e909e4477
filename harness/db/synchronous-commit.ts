import pg from 'pg';
import { BenchError } from '../errors.ts';
import { harnessConnectionString } from './app-name.ts';
import type { Database } from './types.ts';

export type SynchronousCommit = 'on' | 'off';

/**
 * --synchronous-commit off: TechEmpower's setting, where a commit returns before its WAL flush.
 * Set on the benchmark database (ALTER DATABASE ... SET), so every connection opened after it
 * (apps, ceilings, the commit-latency test) runs with it. Only on a database the harness started:
 * on a --db URL it would outlive the run, so that server's own setting is left alone.
 */
export async function applySynchronousCommit(database: Pick<Database, 'kind' | 'url'>, value: SynchronousCommit): Promise<void> {
  if (database.kind === 'url') {
    throw new BenchError('USAGE', `--synchronous-commit ${value} applies to a database the harness starts, not to --db postgres://...`, {
      hint: `set synchronous_commit = ${value} on that server yourself (ALTER DATABASE ... SET synchronous_commit = ${value})`,
    });
  }
  const client = new pg.Client({ connectionString: harnessConnectionString(database.url, 'probe'), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const name = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await client.query(`ALTER DATABASE "${name.replaceAll('"', '""')}" SET synchronous_commit = ${value === 'off' ? 'off' : 'on'}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
