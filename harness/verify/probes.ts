import pg from 'pg';
import { harnessConnectionString } from '../db/app-name.ts';
import { startConnectionSampler } from './connections.ts';
import { sweptProbes } from './swept-probes.ts';
import { updateProbes } from './update-probes.ts';
import type { DatabaseProbes, StatementTotals } from './verify.ts';

/**
 * Marks the SQL text of every probe statement, after its first keyword: pg_stat_statements
 * (PostgreSQL 18) drops a leading comment from the text it keeps but keeps one inside.
 */
export const PROBE_TAG = '/* crossover-bench probe */';

/** `SELECT ...` -> `SELECT /* crossover-bench probe *\/ ...`. */
export function tagProbe(sql: string): string {
  return sql.replace(/^\s*(\w+)/, `$1 ${PROBE_TAG}`);
}

/** A row of pg_stat_statements as the probe reads it. */
export interface StatementStat {
  query: string;
  calls: number;
  rows: number;
}

/** `world` as a table name, quoted or schema-qualified or neither, but not `hello_world` nor `world_id`. */
const WORLD_TABLE = /(^|[^\w$])"?world"?(?![\w$])/i;
/**
 * The harness's own statements: tagged, or reading the statistics views. The pg_sleep probe's
 * text holds '%world%'; pg_stat_statements normalises that literal to a $n, but a server
 * that kept it (or a probe written later with `world` in it) must not count as the app.
 */
const HARNESS_STATEMENT = /pg_stat_activity|pg_stat_statements|crossover-bench probe/i;

/** A statement on `world` that is not one of the harness's own. */
export function isAppWorldStatement(query: string): boolean {
  return WORLD_TABLE.test(query) && !HARNESS_STATEMENT.test(query);
}
/** `fortune` as a table name, as WORLD_TABLE matches `world`. */
const FORTUNE_TABLE = /(^|[^\w$])"?fortune"?(?![\w$])/i;

/** One of the harness's own statements (tagged, or reading the statistics views). */
export function isHarnessStatement(query: string): boolean {
  return HARNESS_STATEMENT.test(query);
}

/** Calls and rows of the statements that read `world`, without the harness's own probes. */
export function worldTotals(stats: readonly StatementStat[]): StatementTotals {
  return tableTotals(stats, WORLD_TABLE);
}

/** Calls and rows of the statements that read `fortune`, without the harness's own probes. */
export function fortuneTotals(stats: readonly StatementStat[]): StatementTotals {
  return tableTotals(stats, FORTUNE_TABLE);
}

function tableTotals(stats: readonly StatementStat[], table: RegExp): StatementTotals {
  let calls = 0;
  let rows = 0;
  for (const s of stats) {
    if (!table.test(s.query) || HARNESS_STATEMENT.test(s.query)) continue;
    calls += s.calls;
    rows += s.rows;
  }
  return { calls, rows };
}

async function queryRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'probe'), connectionTimeoutMillis: 5000 });
  // Errors surface through the awaited calls; an unhandled 'error' event would crash the harness.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(tagProbe(sql))).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  return (await queryRows(url, sql))[0] ?? {};
}

const SLEEPING_SQL =
  "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%pg_sleep%' AND query ILIKE '%world%' AND pid <> pg_backend_pid()";
/** This database's statements only: a shared server may run other databases' queries on their own `world`. */
const STATEMENTS_SQL =
  'SELECT query, calls::bigint AS calls, rows::bigint AS rows FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())';

/**
 * What verification asks the database directly: whether a pg_sleep is running right now in
 * a statement that also reads `world` (the slow-db wait must be in the same round trip), the
 * calls and rows of statements on `world` so far (pg_stat_statements; left out where the
 * server does not load it, e.g. some --db URLs), and how many connections the apps hold.
 */
export async function databaseProbes(url: string): Promise<DatabaseProbes> {
  const sleeping = async () => Number((await queryOne(url, SLEEPING_SQL)).n) > 0;
  const connections = (intervalMs: number, appConnectionName?: string) => startConnectionSampler(url, intervalMs, appConnectionName);
  const stats = async () => (await queryRows(url, STATEMENTS_SQL)).map((r) => ({ query: String(r.query), calls: Number(r.calls), rows: Number(r.rows) }));
  const statements = async () => worldTotals(await stats());
  try {
    await queryOne(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await statements();
  } catch {
    // Without pg_stat_statements (not in shared_preload_libraries) queries cannot be counted; the other checks still run.
    return {
      sleeping,
      connections,
      updates: updateProbes({ queryRows: (sql) => queryRows(url, sql), isAppWorldStatement }),
      swept: sweptProbes({ queryRows: (sql) => queryRows(url, sql), isHarness: isHarnessStatement }),
    };
  }
  return {
    sleeping,
    connections,
    worldStatements: statements,
    fortuneStatements: async () => fortuneTotals(await stats()),
    updates: updateProbes({ queryRows: (sql) => queryRows(url, sql), statementsSql: STATEMENTS_SQL, isAppWorldStatement }),
    swept: sweptProbes({ queryRows: (sql) => queryRows(url, sql), statementsSql: STATEMENTS_SQL, isHarness: isHarnessStatement }),
  };
}
