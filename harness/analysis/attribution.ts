import { type AttributionData, BOTTLENECKS, type Bottleneck, type Limit, type LittleBound } from '../results/analysis-schema.ts';
import type { CellSummary } from './summary.ts';

export { BOTTLENECKS, type Bottleneck };
export type Attribution = AttributionData;

/**
 * autocannon is a single-threaded Node process: at 90% of its core it has no headroom
 * left (it tops out near 60k req/s on one core and slows with more connections).
 */
export const LOADGEN_SATURATED = 0.9;
/**
 * A Python worker holds the GIL while it serialises and parses; 250 ms samples of a
 * CPU-bound server read 85-100% (the rest is kernel time spent waiting on sockets), so
 * 85% of the allotted cores counts as saturated.
 */
export const APP_SATURATED = 0.85;
/** On a core the load generator shares with the database, the database's share of its busy time from which the database, not the load generator, is its user. */
export const DB_SHARE_OF_SHARED_CORE = 0.75;
/** PostgreSQL backends are short-lived per query; 90% of its cores means it is the limit. */
export const DB_SATURATED = 0.9;
/**
 * The app's active backends waiting on a lock, or on their commit's WAL flush, on average
 * over the window: from a quarter of the time its statements spend in the database, the
 * wait (not the work) sets a sizeable part of each request's database time. A few percent
 * are incidental (an autovacuum, one checkpoint); at 100 ms a sample, a 10 s window has 100.
 */
export const LOCK_WAIT_SHARE = 0.25;
export const COMMIT_WAIT_SHARE = 0.25;
/** Fewer samples than this (one second at the sampler's 100 ms) say too little to label a wait. */
export const MIN_WAIT_SAMPLES = 10;
/**
 * Within 15% of a measured ceiling or a Little's-law bound: FastAPI measured 950 req/s
 * against a bound of 952 when nothing saturated, while per-request overhead (HTTP parsing,
 * JSON) and 1-ms timer granularity cost up to ~10% at low latencies.
 */
export const NEAR_BOUND = 0.85;
/** Where the loadgen and the database share a core: the core counts as saturated at 95%. */
export const SHARED_CORE_SATURATED = 0.95;

export interface Bounds {
  /** autocannon's requests/s against a server far faster than any app, measured in this run. */
  loadgenCeilingRps?: number | undefined;
  /** The database's requests/s for this scenario and protocol, with the connection cap's worth of clients. */
  dbCeilingRps?: number | undefined;
  /** Little's law over the effective database latency; slow-db only. */
  little?: LittleBound | undefined;
  /** True when the database and the load generator share their cores. */
  sharedLoadgenDbCore: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const rps = (x: number) => `${Math.round(x).toLocaleString('en-US')} req/s`;
const ms = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

/** `10 connections x 2.1 ms = 4,762 req/s`: the bound in plain words. */
export function describeLittleBound(b: LittleBound): string {
  const who = b.limitedBy === 'connection cap' ? 'connections' : b.limitedBy === 'app concurrency' ? 'app threads/slots' : 'load generator connections';
  return `${b.connections} ${who} x ${ms(b.latencyMs)} ms = ${rps(b.rps)}`;
}

/**
 * Pure: every limit that holds for this cell, from measured utilisation and bounds, each
 * with the figure that shows it. The first label in BOTTLENECKS order is the primary one.
 * The database label needs more than nearness to its ceiling when that ceiling itself is
 * the pool's (slow-db: pgbench over C connections measures C / latency, not the database).
 */
export function attribute(cell: Pick<CellSummary, 'rps' | 'appCpu' | 'dbCpu' | 'loadgenCpu' | 'dbCores' | 'dbWaits'>, bounds: Bounds): Attribution {
  const throughput = cell.rps.median;
  const evidence: string[] = [];
  if (cell.appCpu !== undefined) evidence.push(`app CPU ${pct(cell.appCpu)}`);
  if (cell.dbCpu !== undefined) evidence.push(`db CPU ${pct(cell.dbCpu)}`);
  if (cell.loadgenCpu !== undefined) evidence.push(`loadgen CPU ${pct(cell.loadgenCpu)}`);
  const waits = cell.dbWaits;
  if (waits)
    evidence.push(`db backends ${waits.active.toFixed(1)} active: ${pct(waits.lock)} on locks, ${pct(waits.commit)} on commit, ${pct(waits.onCpu)} on CPU`);
  const little = bounds.little;
  const littleShare = little ? throughput / little.rps : undefined;
  const dbShare = bounds.dbCeilingRps ? throughput / bounds.dbCeilingRps : undefined;
  const littleText = little && littleShare !== undefined ? `${pct(littleShare)} of the Little's-law bound: ${describeLittleBound(little)}` : undefined;
  if (littleText) evidence.push(littleText);
  if (dbShare !== undefined) evidence.push(`${pct(dbShare)} of the ${rps(bounds.dbCeilingRps!)} database ceiling`);
  const loadgenShare = bounds.loadgenCeilingRps ? throughput / bounds.loadgenCeilingRps : undefined;
  const loadgenText = loadgenShare !== undefined ? `${pct(loadgenShare)} of the ${rps(bounds.loadgenCeilingRps!)} load generator ceiling` : undefined;
  if (loadgenText && loadgenShare! >= NEAR_BOUND) evidence.push(loadgenText);

  const limits: Limit[] = [];
  const loadgen = cell.loadgenCpu ?? 0;
  const app = cell.appCpu ?? 0;
  const sharedBusy = bounds.sharedLoadgenDbCore ? loadgen + (cell.dbCpu ?? 0) : 0;
  if (loadgen >= LOADGEN_SATURATED) limits.push({ label: 'load generator', reason: `loadgen CPU ${pct(loadgen)} >= ${pct(LOADGEN_SATURATED)}` });
  else if (loadgenText && loadgenShare! >= NEAR_BOUND) limits.push({ label: 'load generator', reason: `${loadgenText} >= ${pct(NEAR_BOUND)}` });
  else if (sharedBusy >= SHARED_CORE_SATURATED && app < APP_SATURATED) {
    evidence.push(`shared loadgen/db core ${pct(sharedBusy)} busy`);
    // The database taking three quarters of the shared core's busy time or more is the database's CPU at work
    // (db-cpu: a few hundred requests a second leave the load generator next to nothing), not a starved load generator.
    const db = cell.dbCpu ?? 0;
    if (db >= DB_SHARE_OF_SHARED_CORE * sharedBusy)
      limits.push({
        label: 'database CPU',
        reason: `shared loadgen/db core ${pct(sharedBusy)} >= ${pct(SHARED_CORE_SATURATED)}, the database's ${pct(db)} of it`,
      });
    else limits.push({ label: 'load generator', reason: `shared loadgen/db core ${pct(sharedBusy)} >= ${pct(SHARED_CORE_SATURATED)}` });
  }
  if (cell.appCpu !== undefined && cell.appCpu >= APP_SATURATED)
    limits.push({ label: 'framework', reason: `app CPU ${pct(cell.appCpu)} >= ${pct(APP_SATURATED)}` });
  if (little && littleText && littleShare! >= NEAR_BOUND) {
    limits.push({ label: little.limitedBy === 'connection cap' ? 'connection pool' : 'concurrency limit', reason: littleText });
  }
  // A ceiling within reach of the Little bound measured the pool, not the database.
  const ceilingIsPool = little !== undefined && bounds.dbCeilingRps !== undefined && bounds.dbCeilingRps >= NEAR_BOUND * little.rps;
  if (cell.dbCpu !== undefined && cell.dbCpu >= DB_SATURATED) limits.push({ label: 'database', reason: `db CPU ${pct(cell.dbCpu)} >= ${pct(DB_SATURATED)}` });
  else if (dbShare !== undefined && dbShare >= NEAR_BOUND && !ceilingIsPool) {
    limits.push({ label: 'database', reason: `${pct(dbShare)} of the ${rps(bounds.dbCeilingRps!)} database ceiling >= ${pct(NEAR_BOUND)}` });
  }
  limits.push(...databaseCauses(cell));
  const labels = BOTTLENECKS.filter((b) => limits.some((l) => l.label === b));
  if (labels.length === 0) labels.push('undetermined');
  return { label: labels[0]!, labels, limits, evidence, flagged: labels.includes('load generator') };
}

/**
 * Pure: why the database took the time it took, each added beside the labels above: its
 * cores saturated, the app's backends queued on locks, or on their commits' WAL flush.
 */
export function databaseCauses(cell: Pick<CellSummary, 'dbCpu' | 'dbCores' | 'dbWaits'>): Limit[] {
  const limits: Limit[] = [];
  if (cell.dbCpu !== undefined && cell.dbCpu >= DB_SATURATED) {
    const cores =
      cell.dbCores === undefined ? '' : ` of its ${cell.dbCores} core${cell.dbCores === 1 ? '' : 's'} (${(cell.dbCpu * cell.dbCores).toFixed(1)} busy)`;
    limits.push({ label: 'database CPU', reason: `db CPU ${pct(cell.dbCpu)}${cores} >= ${pct(DB_SATURATED)}` });
  }
  const waits = cell.dbWaits;
  if (!waits || waits.samples < MIN_WAIT_SAMPLES) return limits;
  const waited = (share: number, what: string, threshold: number) =>
    `on average ${pct(share)} of the app's ${waits.active.toFixed(1)} active backends waited on ${what} (${waits.samples} samples) >= ${pct(threshold)}`;
  if (waits.lock >= LOCK_WAIT_SHARE) limits.push({ label: 'lock waits', reason: waited(waits.lock, 'a lock', LOCK_WAIT_SHARE) });
  if (waits.commit >= COMMIT_WAIT_SHARE) limits.push({ label: 'commit latency', reason: waited(waits.commit, 'the WAL flush of a commit', COMMIT_WAIT_SHARE) });
  return limits;
}

/** Little's law: in-flight requests / time each spends = throughput. Undefined at 0 ms (no bound). */
export function littleBoundRps(connections: number, appConcurrencyLimit: number, connectionCap: number, dbLatencyMs: number): number | undefined {
  return littleBound(connections, appConcurrencyLimit, connectionCap, dbLatencyMs)?.rps;
}

/** As littleBoundRps, saying which of the three numbers set the bound (ties go to the cap). */
export function littleBound(connections: number, appConcurrencyLimit: number, connectionCap: number, dbLatencyMs: number): LittleBound | undefined {
  if (dbLatencyMs <= 0) return undefined;
  const n = Math.min(connections, appConcurrencyLimit, connectionCap);
  const limitedBy = n === connectionCap ? 'connection cap' : n === appConcurrencyLimit ? 'app concurrency' : 'load generator connections';
  return { rps: n / (dbLatencyMs / 1000), connections: n, limitedBy, latencyMs: dbLatencyMs };
}

/** Compact form for tables: `fw+db`, `pool`, `loadgen`. */
export function shortLabels(labels: readonly Bottleneck[]): string {
  const SHORT: Record<Bottleneck, string> = {
    'load generator': 'loadgen',
    framework: 'fw',
    'connection pool': 'pool',
    'concurrency limit': 'conc',
    database: 'db',
    'database CPU': 'dbcpu',
    'lock waits': 'locks',
    'commit latency': 'commit',
    undetermined: '?',
  };
  if (labels.length === 1 && (labels[0] === 'framework' || labels[0] === 'database')) return labels[0];
  return labels.map((l) => SHORT[l]).join('+');
}
