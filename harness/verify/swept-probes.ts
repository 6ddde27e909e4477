import type { StatementTotals } from './verify.ts';

/**
 * What the checks of db-cpu, big-result and hot-rows ask the database (verify/db-cpu.ts,
 * big-result.ts, hot-rows.ts), every statement on a connection of the harness's own.
 */
export interface SweptProbes {
  /** Calls and rows of the app's statements calling generate_series so far; absent without pg_stat_statements. */
  generateSeries?: (() => Promise<StatementTotals>) | undefined;
  /**
   * Milliseconds the server takes to execute the largest request's statement, `SELECT sum(g)
   * FROM generate_series(1, 1000000) AS g`, run by the harness (the faster of two runs, read
   * from pg_stat_statements as the app's are): the yardstick for the time the app's statements
   * took. Undefined without pg_stat_statements or its total_exec_time (PostgreSQL 13+).
   */
  generateSeriesReferenceMs: (work: number) => Promise<number | undefined>;
  /** Is a statement calling generate_series running right now (pg_stat_activity)? The fallback without pg_stat_statements. */
  generateSeriesRunning: () => Promise<boolean>;
  /** randomnumber of every row of world, read now. */
  worldValues: () => Promise<Map<number, number>>;
  /** counter of every row of hotrow, read now: committed values only. */
  hotrowCounters: () => Promise<Map<number, number>>;
}

/** A row of pg_stat_statements as the probe reads it. */
interface Stat {
  query: string;
  calls: number;
  rows: number;
  execMs?: number;
}

const GENERATE_SERIES = /generate_series/i;

/** Pure: calls, rows and execution time of the statements calling generate_series that are the app's (`isHarness` false). */
export function generateSeriesTotals(stats: readonly Stat[], isHarness: (query: string) => boolean): StatementTotals {
  let calls = 0;
  let rows = 0;
  let execMs: number | undefined = 0;
  for (const s of stats) {
    if (!GENERATE_SERIES.test(s.query) || isHarness(s.query)) continue;
    calls += s.calls;
    rows += s.rows;
    execMs = execMs === undefined || s.execMs === undefined ? undefined : execMs + s.execMs;
  }
  return { calls, rows, ...(execMs === undefined ? {} : { execMs }) };
}

const RUNNING_SQL = "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%generate_series%' AND pid <> pg_backend_pid()";
const WORLD_SQL = 'SELECT id, randomnumber FROM world';
const HOTROW_SQL = 'SELECT id, counter FROM hotrow';

/** How probes.ts reaches the database (update-probes.ts ProbeQueries, with the harness's own statements told apart). */
export interface SweptProbeQueries {
  queryRows: (sql: string) => Promise<Record<string, unknown>[]>;
  /** pg_stat_statements of this database (query, calls, rows); absent when the server does not load it. */
  statementsSql?: string | undefined;
  isHarness: (query: string) => boolean;
}

/**
 * The harness's own run of the apps' statement, in a shape no app sends: pg_stat_statements
 * keys statements by their parse tree, comments and constants left out, so the plain `SELECT
 * sum(g) FROM generate_series(1, 1000000) AS g` shares its entry with the Django apps' (the ORM
 * inlines the constants) and that entry keeps the text seen first. When the harness's tagged
 * run came first, every Django app's calls counted as the harness's, and their verification
 * saw 0 statements. `+ 0 * pg_backend_pid()` is evaluated once, after the sum.
 */
const referenceSql = (work: number) => `SELECT sum(g) + 0 * pg_backend_pid() FROM generate_series(1, ${Math.trunc(work)}) AS g`;

/** Runs of the reference statement; the fastest counts, as the app's one run may have met a fast second too. */
const REFERENCE_RUNS = 2;

export function sweptProbes({ queryRows, statementsSql, isHarness }: SweptProbeQueries): SweptProbes {
  const pairs = async (sql: string, value: string) => new Map((await queryRows(sql)).map((r) => [Number(r.id), Number(r[value])]));
  // total_exec_time exists from PostgreSQL 13 on; an older server's totals carry no time, and the time check is skipped.
  const timedSql = statementsSql?.replace(' FROM pg_stat_statements', ', total_exec_time AS exec_ms FROM pg_stat_statements');
  // One reading of pg_stat_statements, with the execution time where the query asked for it.
  const readStats = async (sql: string): Promise<Stat[]> =>
    (await queryRows(sql)).map((r) => ({
      query: String(r.query),
      calls: Number(r.calls),
      rows: Number(r.rows),
      ...(r.exec_ms === undefined ? {} : { execMs: Number(r.exec_ms) }),
    }));
  const generateSeries = async (sql: string) => generateSeriesTotals(await readStats(timedSql ?? sql).catch(() => readStats(sql)), isHarness);
  // The harness's own statements calling generate_series: the predicate keeps them and leaves the app's out.
  const harnessMs = async (sql: string) => generateSeriesTotals(await readStats(sql), (query) => !isHarness(query)).execMs;
  return {
    // The server's own execution time of the harness's runs, from pg_stat_statements as the app's is read: no round trip, no instrumentation.
    generateSeriesReferenceMs: async (work) => {
      if (!timedSql) return undefined;
      try {
        const times: number[] = [];
        for (let i = 0; i < REFERENCE_RUNS; i++) {
          const before = await harnessMs(timedSql);
          await queryRows(referenceSql(work));
          const after = await harnessMs(timedSql);
          if (before !== undefined && after !== undefined) times.push(after - before);
        }
        return times.length ? Math.min(...times) : undefined;
      } catch {
        return undefined;
      }
    },
    generateSeriesRunning: async () => Number((await queryRows(RUNNING_SQL))[0]?.n ?? 0) > 0,
    worldValues: () => pairs(WORLD_SQL, 'randomnumber'),
    hotrowCounters: () => pairs(HOTROW_SQL, 'counter'),
    ...(statementsSql ? { generateSeries: () => generateSeries(statementsSql) } : {}),
  };
}
