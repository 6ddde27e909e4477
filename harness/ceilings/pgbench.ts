import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { harnessConnectionString } from '../db/app-name.ts';
import { BenchError } from '../errors.ts';
import type { StatementProtocol } from '../results/analysis-schema.ts';

export type DbWork = {
  kind: 'db' | 'fortunes' | 'queries' | 'updates' | 'slow-db' | 'db-cpu' | 'big-result' | 'hot-rows';
  queries?: number | undefined;
  dbLatencyMs?: number | undefined;
  /** db-cpu's work, big-result's rows, hot-rows' k. */
  param?: number | undefined;
};

/** The one statement of a fortunes request: every row (the apps add theirs and sort in memory, as TechEmpower requires). */
export const FORTUNES_SQL = 'SELECT id, message FROM fortune';

/** db-cpu's statement ($1: work): the database generates and sums `work` rows, CPU only (docs/scenarios.md). */
export const DB_CPU_SQL = 'SELECT sum(g) FROM generate_series(1, $1) AS g';
/** big-result's statement ($1: rows): the first rows of world in id order. */
export const BIG_RESULT_SQL = 'SELECT id, randomnumber FROM world ORDER BY id LIMIT $1';
/** hot-rows' statement ($1: a random id in 1..k), its own transaction: the row lock is held until the commit. */
export const HOT_ROWS_SQL = 'UPDATE hotrow SET counter = counter + 1 WHERE id = $1 RETURNING id, counter';

/**
 * Pure: the pgbench script issuing the same SQL one app request issues (one transaction = one
 * request), over `protocol` (the app's, as pgbench runs it with -M).
 */
export function pgbenchScript(work: DbWork, protocol: StatementProtocol = 'prepared'): string {
  if (work.kind === 'slow-db') {
    const seconds = (work.dbLatencyMs ?? 0) / 1000;
    return `\\set id random(1, 10000)\nSELECT w.id, w.randomnumber FROM world AS w, pg_sleep(${seconds}) WHERE w.id = :id;\n`;
  }
  if (work.kind === 'updates') return updatesScript(work.queries ?? 1, protocol);
  if (work.kind === 'db-cpu') return `${DB_CPU_SQL.replace('$1', String(work.param ?? 1))};\n`;
  if (work.kind === 'big-result') return `${BIG_RESULT_SQL.replace('$1', String(work.param ?? 1))};\n`;
  if (work.kind === 'hot-rows') return `\\set id random(1, ${work.param ?? 1})\n${HOT_ROWS_SQL.replace('$1', ':id')};\n`;
  if (work.kind === 'fortunes') return `${FORTUNES_SQL};\n`;
  const n = work.kind === 'queries' ? (work.queries ?? 1) : 1;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`\\set id${i} random(1, 10000)`, `SELECT id, randomnumber FROM world WHERE id = :id${i};`);
  return `${lines.join('\n')}\n`;
}

/**
 * Pure: an updates request's SQL: N reads one query each, then one transaction that writes the
 * N rows the way the apps' drivers send it. The ids are distinct and ascending (one per stride
 * of the table), so concurrent clients lock rows in the same order, as the apps' sorted ids do.
 *
 * - Over the extended or prepared protocol (asyncpg's and psycopg's `executemany`, SQLAlchemy's
 *   unit of work on them), the N single-row UPDATEs go out as one pipeline: every statement sent
 *   before the first answer is read, one round trip for all of them. Sent one by one, as this
 *   script once did, the ceiling was 189 requests/s where Starlette served 465 (docs/updates.md).
 * - Over the simple protocol (the Django ORM's `bulk_update`), one UPDATE with a CASE over the
 *   N ids; pgbench's pipeline needs the extended protocol, and Django sends one statement anyway.
 */
export function updatesScript(n: number, protocol: StatementProtocol = 'prepared'): string {
  const stride = Math.floor(10_000 / n);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`\\set id${i} ${i * stride} + random(1, ${stride})`, `\\set r${i} random(1, 10000)`);
  for (let i = 0; i < n; i++) lines.push(`SELECT id, randomnumber FROM world WHERE id = :id${i};`);
  const ids = Array.from({ length: n }, (_, i) => `:id${i}`);
  lines.push('BEGIN;');
  if (protocol === 'simple') {
    const cases = ids.map((id, i) => `WHEN ${id} THEN :r${i}`).join(' ');
    lines.push(`UPDATE world SET randomnumber = CASE id ${cases} END WHERE id IN (${ids.join(', ')});`);
  } else {
    lines.push('\\startpipeline');
    for (let i = 0; i < n; i++) lines.push(`UPDATE world SET randomnumber = :r${i} WHERE id = :id${i};`);
    lines.push('\\endpipeline');
  }
  lines.push('COMMIT;');
  return `${lines.join('\n')}\n`;
}

/** What one pgbench run reports. */
export interface PgbenchOutput {
  /** Transactions (= app requests' worth of SQL) per second, without connection set-up. */
  tps: number;
  /**
   * Mean time of one transaction as the client saw it (`latency average = X ms`): for
   * slow-db, the time each request really holds its connection. Undefined when pgbench did
   * not print it.
   */
  latencyAverageMs?: number | undefined;
}

/** Pure: reads `tps = ...` and `latency average = ... ms` from pgbench's summary. */
export function parsePgbenchOutput(output: string): PgbenchOutput {
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([\d.]+)/.exec(output);
  if (!tps) throw new BenchError('LOADGEN', `pgbench printed no tps line: ${output.trim().split('\n').slice(-2).join(' | ')}`);
  const latency = /latency average = ([\d.]+) ms/.exec(output);
  return { tps: Number(tps[1]), latencyAverageMs: latency ? Number(latency[1]) : undefined };
}

/** Pure: `tps = 12345.6 (without initial connection time)` -> 12345.6. */
export function parsePgbenchTps(output: string): number {
  return parsePgbenchOutput(output).tps;
}

/**
 * Pure: pgbench's `-M` argument for a statement protocol. The Django ORM over psycopg 3
 * with client-side binding sends `simple` queries with the literals inlined; asyncpg and
 * psycopg pools prepare (`prepared`) or send parse/bind/execute each time (`extended`).
 */
export function pgbenchProtocolArgs(protocol: StatementProtocol): string[] {
  return ['-M', protocol];
}

/**
 * Pure: pgbench's arguments. The URL carries the harness's application_name: a ceiling on the
 * benchmark database must never read as an app's connections (docs/fairness.md).
 */
export function pgbenchArgs(o: { url: string; protocol: StatementProtocol; clients: number; durationS: number; script: string }): string[] {
  return [
    '-n',
    ...pgbenchProtocolArgs(o.protocol),
    '-c',
    String(o.clients),
    '-j',
    '1',
    '-T',
    // pgbench takes whole seconds; a fractional --duration is rounded up.
    String(Math.max(1, Math.ceil(o.durationS))),
    '-f',
    o.script,
    harnessConnectionString(o.url, 'ceiling'),
  ];
}

/** pgbench from PATH or from a Debian PostgreSQL install; undefined when there is none. */
export async function findPgbench(): Promise<string | undefined> {
  const onPath = await execa('sh', ['-c', 'command -v pgbench'], { reject: false });
  if (onPath.exitCode === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  for (const version of (await readdir(root)).sort().reverse()) {
    const candidate = path.join(root, version, 'bin', 'pgbench');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Runs pgbench (C, libpq) with `clients` connections for durationS over `protocol`, pinned
 * to `cpus`, and returns transactions per second: the rate the database sustains for this
 * SQL with this many connections when the client costs almost nothing.
 */
export async function runPgbench(
  binary: string,
  url: string,
  work: DbWork,
  clients: number,
  durationS: number,
  cpus: number[],
  pin: boolean,
  protocol: StatementProtocol = 'prepared',
): Promise<number> {
  return (await runPgbenchOutput(binary, url, work, clients, durationS, cpus, pin, protocol)).tps;
}

/** As runPgbench, with the mean transaction latency too (the effective slow-db latency). */
export async function runPgbenchOutput(
  binary: string,
  url: string,
  work: DbWork | { script: string },
  clients: number,
  durationS: number,
  cpus: number[],
  pin: boolean,
  protocol: StatementProtocol = 'prepared',
): Promise<PgbenchOutput> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-pgbench-'));
  const script = path.join(dir, 'request.sql');
  await writeFile(script, 'script' in work ? work.script : pgbenchScript(work, protocol));
  const args = pgbenchArgs({ url, protocol, clients, durationS, script });
  const [file, argv] = pin ? ['taskset', ['-c', cpus.join(','), binary, ...args]] : [binary, args];
  const child = execa(file, argv as string[], { reject: false, timeout: (durationS + 30) * 1000 });
  const unregister = onCleanup('pgbench', async () => {
    child.kill('SIGKILL');
  });
  try {
    const r = await child;
    if (r.exitCode !== 0)
      throw new BenchError(
        'LOADGEN',
        `pgbench failed: ${String(r.stderr || r.stdout)
          .trim()
          .split('\n')
          .slice(-2)
          .join(' | ')}`,
      );
    return parsePgbenchOutput(String(r.stdout));
  } finally {
    unregister();
    await rm(dir, { recursive: true, force: true });
  }
}
