import { statementVerb, type UpdateProbes, type WorldStatementsByVerb } from './updates.ts';
import type { StatementTotals } from './verify.ts';

/** A row of pg_stat_statements as the probe reads it. */
interface Stat {
  query: string;
  calls: number;
  rows: number;
}

/** Pure: reads and writes on world apart, the harness's own statements left out (probes.ts isAppWorldStatement). */
export function worldTotalsByVerb(stats: readonly Stat[], isAppWorldStatement: (query: string) => boolean): WorldStatementsByVerb {
  const select: StatementTotals = { calls: 0, rows: 0 };
  const update: StatementTotals = { calls: 0, rows: 0 };
  for (const s of stats) {
    if (!isAppWorldStatement(s.query)) continue;
    const verb = statementVerb(s.query);
    const into = verb === 'update' ? update : verb === 'select' ? select : undefined;
    if (!into) continue;
    into.calls += s.calls;
    into.rows += s.rows;
  }
  return { select, update };
}

const VALUES_SQL = 'SELECT id, randomnumber FROM world';
const TUPLES_UPDATED_SQL = "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'world'::regclass";
/**
 * A backend reports its table statistics when it goes idle, at most once a second, and an idle
 * one that has just reported waits up to 10 s for the next: the fallback count may take that long.
 */
const TUPLES_WAIT_MS = 12_000;
const TUPLES_POLL_MS = 200;

/** How probes.ts reaches the database: one statement on a connection of the harness's own. */
export interface ProbeQueries {
  queryRows: (sql: string) => Promise<Record<string, unknown>[]>;
  /** pg_stat_statements of this database (query, calls, rows); absent when the server does not load it. */
  statementsSql?: string | undefined;
  isAppWorldStatement: (query: string) => boolean;
}

/** The updates check's questions to the database (verify/updates.ts). */
export function updateProbes({ queryRows, statementsSql, isAppWorldStatement }: ProbeQueries): UpdateProbes {
  const worldValues = async () => new Map((await queryRows(VALUES_SQL)).map((r) => [Number(r.id), Number(r.randomnumber)]));
  const statements = async (sql: string) =>
    worldTotalsByVerb(
      (await queryRows(sql)).map((r) => ({ query: String(r.query), calls: Number(r.calls), rows: Number(r.rows) })),
      isAppWorldStatement,
    );
  const tuplesUpdated = async (since?: number, atLeast = 0) => {
    const read = async () => Number((await queryRows(TUPLES_UPDATED_SQL))[0]?.n_tup_upd ?? 0);
    let n = await read();
    const deadline = Date.now() + TUPLES_WAIT_MS;
    while (since !== undefined && n - since < atLeast && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, TUPLES_POLL_MS));
      n = await read();
    }
    return n;
  };
  return { worldValues, tuplesUpdated, ...(statementsSql ? { statements: () => statements(statementsSql) } : {}) };
}
