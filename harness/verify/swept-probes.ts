import type { StatementTotals } from './verify.ts';

/**
 * What the checks of db-cpu, big-result and hot-rows ask the database (verify/db-cpu.ts,
 * big-result.ts, hot-rows.ts), every statement on a connection of the harness's own.
 */
export interface SweptProbes {
  /** Calls and rows of the app's statements calling generate_series so far; absent without pg_stat_statements. */
  generateSeries?: (() => Promise<StatementTotals>) | undefined;
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
}

const GENERATE_SERIES = /generate_series/i;

/** Pure: calls and rows of the statements calling generate_series that are the app's (`isHarness` false). */
export function generateSeriesTotals(stats: readonly Stat[], isHarness: (query: string) => boolean): StatementTotals {
  let calls = 0;
  let rows = 0;
  for (const s of stats) {
    if (!GENERATE_SERIES.test(s.query) || isHarness(s.query)) continue;
    calls += s.calls;
    rows += s.rows;
  }
  return { calls, rows };
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

export function sweptProbes({ queryRows, statementsSql, isHarness }: SweptProbeQueries): SweptProbes {
  const pairs = async (sql: string, value: string) => new Map((await queryRows(sql)).map((r) => [Number(r.id), Number(r[value])]));
  const generateSeries = async (sql: string) =>
    generateSeriesTotals(
      (await queryRows(sql)).map((r) => ({ query: String(r.query), calls: Number(r.calls), rows: Number(r.rows) })),
      isHarness,
    );
  return {
    generateSeriesRunning: async () => Number((await queryRows(RUNNING_SQL))[0]?.n ?? 0) > 0,
    worldValues: () => pairs(WORLD_SQL, 'randomnumber'),
    hotrowCounters: () => pairs(HOTROW_SQL, 'counter'),
    ...(statementsSql ? { generateSeries: () => generateSeries(statementsSql) } : {}),
  };
}
