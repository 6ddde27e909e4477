import pg from 'pg';
import { BenchError } from '../errors.ts';
import { harnessConnectionString } from './app-name.ts';
import { ensureFortune } from './fortune-seed.ts';
import { ensureHotrow } from './hotrow-seed.ts';

/** TechEmpower's World table: 10,000 rows, id and randomnumber in 1..10000. */
export const WORLD_ROWS = 10_000;

/** The only shape the apps are written for: exactly these columns, both `integer`. */
export const WORLD_COLUMNS = [
  { name: 'id', type: 'integer' },
  { name: 'randomnumber', type: 'integer' },
] as const;

/**
 * Two runs seeding one `--db` at once take turns on this advisory lock (any constant
 * works; this is "cros" in ASCII).
 */
const SEED_LOCK_KEY = 0x63726f73;

/** What `ensureWorld` found, and whether it seeded. */
export interface WorldState {
  seeded: boolean;
  version: string;
  rows: number;
}

/**
 * Creates and fills `world` when it is missing, or when it has the right shape and is
 * empty. An existing table is never changed (it may be a user's): another shape, or rows
 * that do not cover ids 1..10000 with randomnumber in 1..10000, stop the run (exit 3)
 * and leave the table as it was. See docs/faults.md. `fortune` is checked and seeded the same
 * way in the same transaction (fortune-seed.ts), and `hotrow` too (hotrow-seed.ts).
 */
export async function ensureWorld(url: string): Promise<WorldState> {
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'seed'), connectionTimeoutMillis: 10_000 });
  // A server that dies mid-query emits 'error' on the client; without a listener that would crash the harness.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    throw new BenchError('DATABASE', `cannot connect to ${redactUrl(url)}: ${(cause as Error).message}`, {
      cause,
      hint: 'check the URL, that the server runs and accepts password logins from 127.0.0.1',
    });
  }
  const where = `table world on ${redactUrl(url)}`;
  try {
    const version = ((await client.query('SELECT version() AS v')).rows[0] as { v: string }).v;
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    // TechEmpower's twelve fortunes, in this transaction: a refusal of either table leaves both as they were.
    await ensureFortune(client, redactUrl(url));
    // hot-rows' counters, likewise (hotrow-seed.ts).
    await ensureHotrow(client, redactUrl(url));
    const columns = await worldColumns(client);
    if (columns === undefined) {
      await client.query('CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)');
      await seed(client);
      await client.query('COMMIT');
      await client.query('ANALYZE world');
      return { seeded: true, version, rows: WORLD_ROWS };
    }
    const shapeProblem = describeShapeProblem(columns);
    if (shapeProblem) {
      throw new BenchError('DATABASE', `${where} has another shape: ${shapeProblem}`, {
        hint: `the apps need exactly (id integer, randomnumber integer); point --db at another database, or drop or rename that table and the harness creates it`,
      });
    }
    const counts = (
      await client.query(
        `SELECT count(*)::bigint AS n,
                count(DISTINCT id) FILTER (WHERE id BETWEEN 1 AND ${WORLD_ROWS})::bigint AS ids,
                count(*) FILTER (WHERE id BETWEEN 1 AND ${WORLD_ROWS} AND (randomnumber IS NULL OR randomnumber NOT BETWEEN 1 AND ${WORLD_ROWS}))::bigint AS bad
           FROM world`,
      )
    ).rows[0] as { n: string; ids: string; bad: string };
    const rows = Number(counts.n);
    if (rows === 0) {
      await seed(client);
      await client.query('COMMIT');
      await client.query('ANALYZE world');
      return { seeded: true, version, rows: WORLD_ROWS };
    }
    const contentProblem = describeContentProblem({ rows, ids: Number(counts.ids), badRandomNumbers: Number(counts.bad) });
    if (contentProblem) {
      throw new BenchError('DATABASE', `${where} ${contentProblem}; the harness does not change an existing table`, {
        hint: 'point --db at another database, or drop or empty that table and the harness seeds it',
      });
    }
    await client.query('COMMIT');
    return { seeded: false, version, rows };
  } catch (cause) {
    // Nothing was written unless COMMIT ran: a refused or failed seed leaves the database as it was.
    await client.query('ROLLBACK').catch(() => undefined);
    if (cause instanceof BenchError) throw cause;
    throw new BenchError('DATABASE', `checking or seeding ${where} failed: ${(cause as Error).message}`, { cause });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function seed(client: pg.Client): Promise<void> {
  await client.query(`INSERT INTO world (id, randomnumber) SELECT g, 1 + floor(random() * ${WORLD_ROWS})::int FROM generate_series(1, ${WORLD_ROWS}) AS g`);
}

/** Columns of the `world` that unqualified queries reach (search_path), or undefined when there is none. */
async function worldColumns(client: pg.Client): Promise<Array<{ name: string; type: string }> | undefined> {
  const table = (await client.query("SELECT to_regclass('world')::oid AS oid")).rows[0] as { oid: number | null };
  if (table.oid === null) return undefined;
  const { rows } = await client.query(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
    [table.oid],
  );
  return rows as Array<{ name: string; type: string }>;
}

/** Pure: what is wrong with the columns found, or undefined when they are exactly WORLD_COLUMNS. */
export function describeShapeProblem(columns: ReadonlyArray<{ name: string; type: string }>): string | undefined {
  const problems: string[] = [];
  for (const want of WORLD_COLUMNS) {
    const found = columns.find((c) => c.name === want.name);
    if (!found) problems.push(`column ${want.name} is missing`);
    else if (found.type !== want.type) problems.push(`column ${want.name} is ${found.type}, not ${want.type}`);
  }
  const extra = columns.filter((c) => !WORLD_COLUMNS.some((w) => w.name === c.name)).map((c) => `${c.name} ${c.type}`);
  if (extra.length > 0) problems.push(`it has other columns (${extra.join(', ')})`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Pure: what is wrong with a non-empty `world` of the right shape, or undefined when the apps can use it. */
export function describeContentProblem(c: { rows: number; ids: number; badRandomNumbers: number }): string | undefined {
  if (c.ids < WORLD_ROWS) return `has ${c.rows} row(s) covering ${c.ids} of the ids 1..${WORLD_ROWS} the apps query`;
  if (c.badRandomNumbers > 0) return `has ${c.badRandomNumbers} row(s) with randomnumber outside 1..${WORLD_ROWS}`;
  return undefined;
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
