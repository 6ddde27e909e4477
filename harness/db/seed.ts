import pg from 'pg';
import { BenchError } from '../errors.ts';

/** TechEmpower's World table: 10,000 rows, id and randomnumber in 1..10000. */
export const WORLD_ROWS = 10_000;

/**
 * Creates and fills `world` when it is missing or empty. An existing table is never
 * changed (it may be a user's): it must hold ids 1..10000, or the run stops with a hint.
 */
export async function ensureWorld(url: string): Promise<{ seeded: boolean; version: string; rows: number }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (cause) {
    throw new BenchError('DATABASE', `cannot connect to ${redactUrl(url)}: ${(cause as Error).message}`, {
      cause,
      hint: 'check the URL, that the server runs and accepts password logins from 127.0.0.1',
    });
  }
  try {
    const version = ((await client.query('SELECT version() AS v')).rows[0] as { v: string }).v;
    await client.query('CREATE TABLE IF NOT EXISTS world (id integer PRIMARY KEY, randomnumber integer NOT NULL)');
    const counts = (await client.query(`SELECT count(*) AS n, count(*) FILTER (WHERE id BETWEEN 1 AND ${WORLD_ROWS}) AS ids FROM world`)).rows[0] as { n: string; ids: string };
    const count = Number(counts.n);
    if (count > 0) {
      if (Number(counts.ids) < WORLD_ROWS) {
        throw new BenchError('DATABASE', `table world on ${redactUrl(url)} has ${counts.ids} of the ids 1..${WORLD_ROWS} the apps query`, {
          hint: 'drop the table (the harness seeds it) or point --db at another database',
        });
      }
      return { seeded: false, version, rows: count };
    }
    await client.query(
      `INSERT INTO world (id, randomnumber) SELECT g, 1 + floor(random() * ${WORLD_ROWS})::int FROM generate_series(1, ${WORLD_ROWS}) AS g`,
    );
    await client.query('ANALYZE world');
    return { seeded: true, version, rows: WORLD_ROWS };
  } catch (cause) {
    if (cause instanceof BenchError) throw cause;
    throw new BenchError('DATABASE', `seeding table world on ${redactUrl(url)} failed: ${(cause as Error).message}`, { cause });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with its password replaced, for messages and results; `embedded` and `docker` pass through. */
export function redactUrl(url: string): string {
  if (url === 'embedded' || url === 'docker') return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
