import type { CellSummary } from './summary.ts';

export const BOTTLENECKS = ['framework', 'database', 'concurrency limit', 'load generator', 'undetermined'] as const;
export type Bottleneck = (typeof BOTTLENECKS)[number];

/**
 * autocannon is a single-threaded Node process: at 90% of its core it has no headroom
 * left (DESIGN.md: it tops out near 60k req/s on one core and slows with more connections).
 */
export const LOADGEN_SATURATED = 0.9;
/**
 * A Python worker holds the GIL while it serialises and parses; 250 ms samples of a
 * CPU-bound server read 85-100% (the rest is kernel time spent waiting on sockets), so
 * 85% of the allotted cores counts as saturated.
 */
export const APP_SATURATED = 0.85;
/** PostgreSQL backends are short-lived per query; 90% of its cores means it is the limit. */
export const DB_SATURATED = 0.9;
/**
 * Within 15% of a measured ceiling or a Little's-law bound: DESIGN.md measured FastAPI at
 * 950 req/s against a bound of 952 when nothing saturates, while per-request overhead
 * (HTTP parsing, JSON) and 1-ms timer granularity cost up to ~10% at low latencies.
 */
export const NEAR_BOUND = 0.85;
/** Where the loadgen and the database share a core: the core counts as saturated at 95%. */
export const SHARED_CORE_SATURATED = 0.95;

export interface Bounds {
  /** autocannon's requests/s against a server far faster than any app, measured in this run. */
  loadgenCeilingRps?: number | undefined;
  /** The database's requests/s for this scenario, queried directly with the same connection cap and concurrency. */
  dbCeilingRps?: number | undefined;
  /** min(connections, app concurrency limit, connection cap) / latency; slow-db only. */
  littleBoundRps?: number | undefined;
  /** True when the database and the load generator share their cores. */
  sharedLoadgenDbCore: boolean;
}

export interface Attribution {
  label: Bottleneck;
  /** The numbers that decided it, e.g. `app CPU 98%`, `94% of the 1,000 req/s Little's-law bound`. */
  evidence: string[];
  /** The cell is not a framework number: the load generator may have limited it. */
  flagged: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const rps = (x: number) => `${Math.round(x).toLocaleString('en-US')} req/s`;

/**
 * Pure: which resource limited this cell, from measured utilisation and bounds. Order
 * matters: a saturated load generator invalidates everything else; a saturated app is the
 * framework's limit whatever the bounds; then the bounds the app cannot beat.
 */
export function attribute(cell: Pick<CellSummary, 'rps' | 'appCpu' | 'dbCpu' | 'loadgenCpu'>, bounds: Bounds): Attribution {
  const throughput = cell.rps.median;
  const evidence: string[] = [];
  if (cell.appCpu !== undefined) evidence.push(`app CPU ${pct(cell.appCpu)}`);
  if (cell.dbCpu !== undefined) evidence.push(`db CPU ${pct(cell.dbCpu)}`);
  if (cell.loadgenCpu !== undefined) evidence.push(`loadgen CPU ${pct(cell.loadgenCpu)}`);
  const littleShare = bounds.littleBoundRps ? throughput / bounds.littleBoundRps : undefined;
  const dbShare = bounds.dbCeilingRps ? throughput / bounds.dbCeilingRps : undefined;
  if (littleShare !== undefined) evidence.push(`${pct(littleShare)} of the ${rps(bounds.littleBoundRps!)} Little's-law bound`);
  if (dbShare !== undefined) evidence.push(`${pct(dbShare)} of the ${rps(bounds.dbCeilingRps!)} database ceiling`);
  const loadgenShare = bounds.loadgenCeilingRps ? throughput / bounds.loadgenCeilingRps : undefined;
  if (loadgenShare !== undefined && loadgenShare >= NEAR_BOUND) evidence.push(`${pct(loadgenShare)} of the ${rps(bounds.loadgenCeilingRps!)} load generator ceiling`);

  const loadgen = cell.loadgenCpu ?? 0;
  const sharedBusy = bounds.sharedLoadgenDbCore ? loadgen + (cell.dbCpu ?? 0) : 0;
  if (loadgen >= LOADGEN_SATURATED || (loadgenShare !== undefined && loadgenShare >= NEAR_BOUND)) {
    return { label: 'load generator', evidence, flagged: true };
  }
  if (sharedBusy >= SHARED_CORE_SATURATED && (cell.appCpu ?? 0) < APP_SATURATED) {
    evidence.push(`shared loadgen/db core ${pct(sharedBusy)} busy`);
    return { label: 'load generator', evidence, flagged: true };
  }
  if (cell.appCpu !== undefined && cell.appCpu >= APP_SATURATED) return { label: 'framework', evidence, flagged: false };
  if (littleShare !== undefined && littleShare >= NEAR_BOUND) return { label: 'concurrency limit', evidence, flagged: false };
  if ((dbShare !== undefined && dbShare >= NEAR_BOUND) || (cell.dbCpu !== undefined && cell.dbCpu >= DB_SATURATED)) {
    return { label: 'database', evidence, flagged: false };
  }
  return { label: 'undetermined', evidence, flagged: false };
}

/** Little's law: in-flight requests / time each spends = throughput. Undefined at 0 ms (no bound). */
export function littleBoundRps(connections: number, appConcurrencyLimit: number, connectionCap: number, dbLatencyMs: number): number | undefined {
  if (dbLatencyMs <= 0) return undefined;
  return Math.min(connections, appConcurrencyLimit, connectionCap) / (dbLatencyMs / 1000);
}
