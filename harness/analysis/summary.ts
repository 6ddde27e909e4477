import { activeShare } from '../db/activity.ts';
import type { Cell, Usage } from '../results/schema.ts';
import { disturbedRepeats } from './neighbours.ts';
import { median, NOISY_CV, type Spread, spread } from './stats.ts';

/** One cell reduced to what the tables show. Pure data, derived from results.json. */
export interface CellSummary {
  id: string;
  framework: string;
  scenario: string;
  kind: Cell['kind'];
  connections: number;
  dbLatencyMs?: number | undefined;
  /** Round trip added between app and database (--db-rtt); absent on the direct path. */
  dbRttMs?: number | undefined;
  status: Cell['status'];
  failure?: string | undefined;
  rps: Spread;
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  noisy: boolean;
  /** Other processes or the hypervisor took CPU during one of its measured windows (analysis/neighbours.ts). */
  disturbed: boolean;
  /** Median over repeats of each party's mean CPU utilisation of its allotted cores. */
  appCpu?: number | undefined;
  dbCpu?: number | undefined;
  loadgenCpu?: number | undefined;
  /** The cores the database was allotted (the denominator of dbCpu). */
  dbCores?: number | undefined;
  /** Database cells: what the app's backends did in the database (absent in results from before it). */
  dbWaits?: WaitShares | undefined;
}

/**
 * The app's active backends over a cell's measured windows: the median over repeats of each
 * window's share of them waiting on a lock, on a commit's WAL flush, or on CPU (the mean of
 * that state / the mean active, db/activity.ts activeShare).
 */
export interface WaitShares {
  /** Samples over every repeat. */
  samples: number;
  /** Mean active backends (median over repeats). */
  active: number;
  lock: number;
  commit: number;
  onCpu: number;
}

/** Pure: the cell's WaitShares, or undefined when no repeat sampled the database's waits. */
export function waitShares(cell: Cell): WaitShares | undefined {
  const windows = cell.repeats.flatMap((r) => (r.resources?.dbWaits && r.resources.dbWaits.samples > 0 ? [r.resources.dbWaits] : []));
  if (windows.length === 0) return undefined;
  const share = (state: 'lock' | 'commit' | 'onCpu') => median(windows.map((w) => activeShare(w, state) ?? 0));
  return {
    samples: windows.reduce((s, w) => s + w.samples, 0),
    active: median(windows.map((w) => w.active.mean)),
    lock: share('lock'),
    commit: share('commit'),
    onCpu: share('onCpu'),
  };
}

function medianOf(cell: Cell, pick: (u: NonNullable<Cell['repeats'][number]['resources']>) => Usage | undefined): number | undefined {
  const values = cell.repeats.map((r) => (r.resources ? pick(r.resources)?.cpuMeanUtil : undefined)).filter((v): v is number => v !== undefined);
  return values.length ? median(values) : undefined;
}

export function summarizeCell(cell: Cell): CellSummary {
  const ms = cell.repeats.map((r) => r.measurement);
  const rps = spread(ms.map((m) => m.rps));
  return {
    id: cell.id,
    framework: cell.framework,
    scenario: cell.scenario,
    kind: cell.kind,
    connections: cell.connections,
    dbLatencyMs: cell.dbLatencyMs,
    ...(cell.dbRttMs ? { dbRttMs: cell.dbRttMs } : {}),
    status: ms.length === 0 && cell.status === 'ok' ? 'failed' : cell.status,
    failure: cell.failure ? `${cell.failure.stage}: ${cell.failure.reason}` : ms.length === 0 ? 'not measured' : undefined,
    rps,
    latencyMeanMs: median(ms.map((m) => m.latencyMeanMs)),
    latencyP50Ms: median(ms.map((m) => m.latencyP50Ms)),
    latencyP90Ms: median(ms.map((m) => m.latencyP90Ms)),
    latencyP99Ms: median(ms.map((m) => m.latencyP99Ms)),
    errors: ms.reduce((a, m) => a + m.errors, 0),
    timeouts: ms.reduce((a, m) => a + m.timeouts, 0),
    non2xx: ms.reduce((a, m) => a + m.non2xx, 0),
    noisy: rps.n > 1 && rps.cv > NOISY_CV,
    disturbed: disturbedRepeats(cell).length > 0,
    appCpu: medianOf(cell, (r) => r.app),
    dbCpu: medianOf(cell, (r) => r.database),
    loadgenCpu: medianOf(cell, (r) => r.loadgen),
    dbCores: cell.repeats.find((r) => r.resources?.database)?.resources?.database?.cores,
    dbWaits: waitShares(cell),
  };
}

/** A column of the main table: a scenario at one connection count and latency. */
export interface Column {
  key: string;
  label: string;
  scenario: string;
  connections: number;
  dbLatencyMs?: number | undefined;
  dbRttMs?: number | undefined;
}

/** `slow-db/c64/10ms`; `/rtt0.5` when a round trip was added, so cells of different round trips are different columns. */
export function columnKey(c: { scenario: string; connections: number; dbLatencyMs?: number | undefined; dbRttMs?: number | undefined }): string {
  return `${c.scenario}/c${c.connections}${c.dbLatencyMs === undefined ? '' : `/${c.dbLatencyMs}ms`}${c.dbRttMs ? `/rtt${c.dbRttMs}` : ''}`;
}
