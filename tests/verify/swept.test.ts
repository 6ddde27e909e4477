import { describe, expect, it } from 'vitest';
import { bigResultRequests, bigResultStatementProblems, checkBigResultBody } from '../../harness/verify/big-result.ts';
import { checkDbCpuBody, dbCpuRequests, generateSeriesProblems, generateSeriesTimeProblems, MIN_DB_TIME_SHARE } from '../../harness/verify/db-cpu.ts';
import { isHarnessStatement } from '../../harness/verify/probes.ts';
import { generateSeriesTotals } from '../../harness/verify/swept-probes.ts';

describe('db-cpu', () => {
  it("asks for the cell's work and the clamp cases, the largest last", () => {
    expect(dbCpuRequests('/db-cpu?work=20000')).toEqual([
      { path: '/db-cpu?work=20000', expected: 20000 },
      { path: '/db-cpu', expected: 1 },
      { path: '/db-cpu?work=0', expected: 1 },
      { path: '/db-cpu?work=foo', expected: 1 },
      { path: '/db-cpu?work=1000001', expected: 1_000_000 },
    ]);
  });

  it('passes exactly the echoed work and its sum', () => {
    expect(checkDbCpuBody('{"work": 1000000, "sum": 500000500000}', 1_000_000)).toEqual([]);
    expect(checkDbCpuBody('{"work":1,"sum":1}', 1)).toEqual([]);
  });

  it('fails a work not clamped, a wrong or textual sum, extra keys and other bodies', () => {
    expect(checkDbCpuBody('{"work": 0, "sum": 0}', 1)).toEqual(['work is 0, expected 1 (clamped to 1..1000000)', 'sum is 0, expected 1']);
    expect(checkDbCpuBody('{"work": 10, "sum": "55"}', 10)).toEqual(['sum is "55", expected 55']);
    expect(checkDbCpuBody('{"work": 10, "sum": 55, "ms": 3}', 10)).toEqual(['body has unexpected keys ms']);
    expect(checkDbCpuBody('[55]', 10)).toEqual(['body is not a JSON object: [55]']);
    expect(checkDbCpuBody('55!', 10)[0]).toMatch(/^body is not JSON/);
  });

  it('counts the statements calling generate_series, not the harness own', () => {
    const stats = [
      { query: 'SELECT sum(g) FROM generate_series($1, $2) AS g', calls: 4, rows: 4 },
      { query: 'select SUM(x) from GENERATE_SERIES(1, $1) x', calls: 1, rows: 1 },
      { query: 'SELECT /* crossover-bench probe */ count(*) AS n FROM pg_stat_activity WHERE query ILIKE $1', calls: 9, rows: 9 },
      { query: 'SELECT id, randomnumber FROM world ORDER BY id LIMIT $1', calls: 3, rows: 300 },
    ];
    expect(generateSeriesTotals(stats, isHarnessStatement)).toEqual({ calls: 5, rows: 5 });
  });

  it('adds the execution time of the app statements where pg_stat_statements gives it', () => {
    const stats = [
      { query: 'SELECT sum(g) FROM generate_series($1, $2) AS g', calls: 4, rows: 4, execMs: 40.5 },
      { query: 'SELECT /* crossover-bench probe */ sum(g) FROM generate_series($1, $2) AS g', calls: 2, rows: 2, execMs: 38 },
      { query: 'select SUM(x) from GENERATE_SERIES(1, $1) x', calls: 1, rows: 1, execMs: 0.25 },
    ];
    expect(generateSeriesTotals(stats, isHarnessStatement)).toEqual({ calls: 5, rows: 5, execMs: 40.75 });
  });

  it('wants the app statements to take a quarter of the time the largest request takes the database: a token statement fails', () => {
    expect(MIN_DB_TIME_SHARE).toBe(0.25);
    // Honest: the largest request (1,000,000 rows) alone is the reference statement.
    expect(generateSeriesTimeProblems(44.1, 41.9, 1_000_000, 5)).toEqual([]);
    // This machine's speed halving between the two still passes.
    expect(generateSeriesTimeProblems(21, 41.9, 1_000_000, 5)).toEqual([]);
    // A token generate_series(1, 1) per request beside a sum computed in the app.
    expect(generateSeriesTimeProblems(0.05, 41.9, 1_000_000, 5)).toEqual([
      "the database spent 0.05 ms executing the 5 db-cpu requests' generate_series statements, less than 25% of the 41.90 ms it takes to sum 1,000,000 rows once (the largest request); the work must be done by the database, not in the app",
    ]);
  });

  it('wants one statement per request: none is a sum computed elsewhere, more is not one statement', () => {
    const before = { calls: 10, rows: 10 };
    expect(generateSeriesProblems(before, { calls: 14, rows: 14 }, 4)).toEqual([]);
    expect(generateSeriesProblems(before, { calls: 10, rows: 10 }, 4)[0]).toMatch(/served but the database ran only 0 statements calling generate_series/);
    expect(generateSeriesProblems(before, { calls: 18, rows: 18 }, 4)[0]).toMatch(
      /took 8 statements calling generate_series; each request must be one statement/,
    );
  });
});

describe('big-result', () => {
  const values = new Map(Array.from({ length: 10 }, (_, i) => [i + 1, 100 + i] as [number, number]));
  const rows = (n: number, value = (id: number) => 99 + id) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i + 1, randomNumber: value(i + 1) })));

  it("asks for the cell's rows, 1, a middle size and the clamp cases, the whole table once", () => {
    const requests = bigResultRequests('/big-result?rows=1000');
    expect(requests.map((r) => r.expected)).toEqual([1000, 1, 137, 1, 1, 1, 10_000]);
    expect(requests[6]!.path).toBe('/big-result?rows=10001');
  });

  it('passes the first rows in id order holding the stored values', () => {
    expect(checkBigResultBody(rows(10), 10, values)).toEqual([]);
    expect(checkBigResultBody(rows(3), 3)).toEqual([]);
  });

  it('fails fewer rows than asked, rows out of order, and values the database does not hold', () => {
    expect(checkBigResultBody(rows(9), 10, values)).toEqual(['got 9 rows, expected 10']);
    const shuffled = JSON.stringify([
      { id: 2, randomNumber: 101 },
      { id: 1, randomNumber: 100 },
    ]);
    expect(checkBigResultBody(shuffled, 2, values)).toEqual(['row 0 has id 2, expected 1: the first rows of world in id order']);
    expect(
      checkBigResultBody(
        rows(4, () => 7),
        4,
        values,
      ),
    ).toEqual([
      "4 of 4 rows do not hold the database's randomnumber (id 1: returned 7, stored 100; id 2: returned 7, stored 101; id 3: returned 7, stored 102)",
    ]);
    expect(checkBigResultBody('[{"id": 1, "randomNumber": 100, "x": 1}]', 1, values)).toEqual(['row 0 has unexpected keys x']);
  });

  it('wants one query on world per response, reading every row served', () => {
    const before = { calls: 0, rows: 0 };
    expect(bigResultStatementProblems(before, { calls: 7, rows: 11_141 }, 7, 11_141)).toEqual([]);
    expect(bigResultStatementProblems(before, { calls: 1, rows: 1000 }, 6, 11_140)[0]).toMatch(
      /only 1 queries on world; each response must read the table again/,
    );
    expect(bigResultStatementProblems(before, { calls: 11_140, rows: 11_140 }, 6, 11_140)[0]).toMatch(
      /took 11140 queries on world; each response must be one query/,
    );
    expect(bigResultStatementProblems(before, { calls: 6, rows: 6 }, 6, 11_140)[0]).toMatch(
      /11140 rows were served from 6 queries on world that read only 6 rows/,
    );
  });
});
