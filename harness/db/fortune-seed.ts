import type pg from 'pg';
import { BenchError } from '../errors.ts';

/**
 * TechEmpower's Fortune table, row for row (its toolset/databases/postgres/create-postgres.sql):
 * one message with HTML to escape (11), two with an em dash and one in Japanese (UTF-8 beyond Latin-1).
 */
export const FORTUNE_ROWS: ReadonlyArray<{ id: number; message: string }> = [
  { id: 1, message: 'fortune: No such file or directory' },
  { id: 2, message: "A computer scientist is someone who fixes things that aren't broken." },
  { id: 3, message: 'After enough decimal places, nobody gives a damn.' },
  { id: 4, message: 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1' },
  { id: 5, message: 'A computer program does what you tell it to do, not what you want it to do.' },
  { id: 6, message: 'Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen' },
  { id: 7, message: 'Any program that runs right is obsolete.' },
  { id: 8, message: 'A list is only as strong as its weakest link. \u2014 Donald Knuth' },
  { id: 9, message: 'Feature: A bug with seniority.' },
  { id: 10, message: 'Computers make very fast, very accurate mistakes.' },
  { id: 11, message: '<script>alert("This should not be displayed in a browser alert box.");</script>' },
  { id: 12, message: '\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af' },
];

/** The only shape the apps are written for. */
export const FORTUNE_COLUMNS = [
  { name: 'id', type: 'integer' },
  { name: 'message', type: 'character varying(2048)' },
] as const;

/**
 * Creates and fills `fortune` when it is missing, or when it has the right shape and is empty,
 * inside the caller's transaction (which holds the seed's advisory lock). An existing table is
 * never changed: another shape, or rows other than exactly FORTUNE_ROWS, stop the run (exit 3),
 * as for `world` (seed.ts). Returns whether it seeded.
 */
export async function ensureFortune(client: pg.Client, where: string): Promise<boolean> {
  const table = (await client.query("SELECT to_regclass('fortune')::oid AS oid")).rows[0] as { oid: number | null };
  if (table.oid === null) {
    await client.query('CREATE TABLE fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)');
    await insertRows(client);
    return true;
  }
  const { rows: columns } = await client.query(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
    [table.oid],
  );
  const shape = describeFortuneShapeProblem(columns as Array<{ name: string; type: string }>);
  if (shape) {
    throw new BenchError('DATABASE', `table fortune on ${where} has another shape: ${shape}`, {
      hint: 'the apps need exactly (id integer, message varchar(2048)); point --db at another database, or drop or rename that table and the harness creates it',
    });
  }
  const { rows } = await client.query('SELECT id, message FROM fortune ORDER BY id');
  if (rows.length === 0) {
    await insertRows(client);
    return true;
  }
  const content = describeFortuneContentProblem(rows as Array<{ id: number; message: string }>);
  if (content) {
    throw new BenchError('DATABASE', `table fortune on ${where} ${content}; the harness does not change an existing table`, {
      hint: "point --db at another database, or drop or empty that table and the harness seeds it with TechEmpower's twelve rows",
    });
  }
  return false;
}

async function insertRows(client: pg.Client): Promise<void> {
  await client.query('INSERT INTO fortune (id, message) SELECT * FROM unnest($1::int[], $2::varchar[])', [
    FORTUNE_ROWS.map((r) => r.id),
    FORTUNE_ROWS.map((r) => r.message),
  ]);
}

/** Pure: what is wrong with the columns found, or undefined when they are exactly FORTUNE_COLUMNS. */
export function describeFortuneShapeProblem(columns: ReadonlyArray<{ name: string; type: string }>): string | undefined {
  const problems: string[] = [];
  for (const want of FORTUNE_COLUMNS) {
    const found = columns.find((c) => c.name === want.name);
    if (!found) problems.push(`column ${want.name} is missing`);
    else if (found.type !== want.type) problems.push(`column ${want.name} is ${found.type}, not ${want.type}`);
  }
  const extra = columns.filter((c) => !FORTUNE_COLUMNS.some((w) => w.name === c.name)).map((c) => `${c.name} ${c.type}`);
  if (extra.length > 0) problems.push(`it has other columns (${extra.join(', ')})`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Pure: what is wrong with a non-empty `fortune` (rows in id order), or undefined when it holds exactly TechEmpower's rows. */
export function describeFortuneContentProblem(rows: ReadonlyArray<{ id: number; message: string }>): string | undefined {
  if (rows.length !== FORTUNE_ROWS.length) return `has ${rows.length} row(s), not TechEmpower's ${FORTUNE_ROWS.length}`;
  const differing = FORTUNE_ROWS.filter((want, i) => rows[i]?.id !== want.id || rows[i]?.message !== want.message).map((r) => r.id);
  if (differing.length > 0) return `differs from TechEmpower's rows at id(s) ${differing.join(', ')}`;
  return undefined;
}
