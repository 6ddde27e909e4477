import pg from 'pg';
import type { DatabaseProbes } from './verify/verify.ts';

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as Record<string, unknown>;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * What verification asks the database directly: whether a pg_sleep is running right now in
 * a statement that also reads `world` (the slow-db wait must be in the same round trip), and
 * how many statements on `world` have run (pg_stat_statements; undefined where the server
 * does not load it, e.g. some --db URLs).
 */
export async function databaseProbes(url: string): Promise<DatabaseProbes> {
  const sleeping = async () =>
    Number(
      (await queryOne(url, "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%pg_sleep%' AND query ILIKE '%world%' AND pid <> pg_backend_pid()")).n,
    ) > 0;
  const countSql = "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements WHERE query ILIKE '%world%' AND query NOT ILIKE '%pg_stat_statements%'";
  try {
    await queryOne(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await queryOne(url, countSql);
  } catch {
    return { sleeping };
  }
  return { sleeping, worldQueries: async () => Number((await queryOne(url, countSql)).n) };
}
