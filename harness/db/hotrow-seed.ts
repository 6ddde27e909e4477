import type pg from 'pg';
import { BenchError } from '../errors.ts';

/** hot-rows' table: ids 1..HOTROW_ROWS, each a counter the requests increment (docs/scenarios.md). */
export const HOTROW_ROWS = 1_000;

/**
 * Creates and fills `hotrow` when it is missing, or when it has the right shape and is empty,
 * inside the caller's transaction (which holds the seed's advisory lock). The counters are the
 * scenario's own state: they only ever rise, so any values are accepted; another shape, or ids
 * that do not cover 1..1000, stop the run (exit 3) and leave the table as it was, as for `world`.
 * Returns whether it seeded.
 */
export async function ensureHotrow(client: pg.Client, where: string): Promise<boolean> {
  const table = (await client.query("SELECT to_regclass('hotrow')::oid AS oid")).rows[0] as { oid: number | null };
  if (table.oid === null) {
    await client.query('CREATE TABLE hotrow (id integer PRIMARY KEY, counter bigint NOT NULL)');
    await insertRows(client);
    return true;
  }
  const columns = (
    await client.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a WHERE a.attrelid = 'hotrow'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    )
  ).rows as Array<{ name: string; type: string }>;
  const shape = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  if (shape !== 'id integer, counter bigint') {
    throw new BenchError('DATABASE', `table hotrow on ${where} has another shape: (${shape})`, {
      hint: 'the hot-rows scenario needs exactly (id integer, counter bigint); point --db at another database, or drop or rename that table and the harness creates it',
    });
  }
  const counts = (await client.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE id BETWEEN 1 AND ${HOTROW_ROWS})::int AS ids FROM hotrow`)).rows[0] as {
    n: number;
    ids: number;
  };
  if (counts.n === 0) {
    await insertRows(client);
    return true;
  }
  if (counts.ids !== HOTROW_ROWS) {
    throw new BenchError(
      'DATABASE',
      `table hotrow on ${where} holds ${counts.ids} of the ids 1..${HOTROW_ROWS}; the harness does not change an existing table`,
      {
        hint: 'point --db at another database, or drop or empty that table and the harness seeds it',
      },
    );
  }
  return false;
}

async function insertRows(client: pg.Client): Promise<void> {
  await client.query(`INSERT INTO hotrow (id, counter) SELECT g, 0 FROM generate_series(1, ${HOTROW_ROWS}) AS g`);
}
