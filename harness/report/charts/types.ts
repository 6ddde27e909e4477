import type { ParamSweepChartData } from './param-sweep.ts';
/** What every chart prints under its title, so a pasted chart still says where it came from. */
export interface ChartCaption {
  runId: string;
  /** CPU model and core count, e.g. `AMD EPYC 7B13, 2 cores`. */
  machine: string;
  /** When the run started, e.g. `2026-11-21 14:03 UTC`. */
  date: string;
}

/**
 * A swept slow-db setting and its one effective latency (analysis/setting-latency.ts): an
 * x tick, labelled with the figure the tables print for the same setting.
 */
export interface ChartSetting {
  requestedMs: number;
  effectiveMs: number;
}

/** One swept database latency of one framework in the closed-loop (saturation) sweep. */
export interface ThroughputPoint {
  /** The slow-db setting (pg_sleep per request). */
  requestedMs: number;
  /** The setting's effective latency (pg_sleep has a floor of about 2 ms), the same for every framework. */
  effectiveMs: number;
  /** Median of the repeats. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** A queueing model's prediction for this point, drawn dashed beside the measurement. */
  predictedRps?: number;
}

/**
 * Requests/s against database latency at one connection count. Crossover latencies are
 * sweep settings (requested ms); the chart places them at their effective latency.
 */
export interface ThroughputChartData {
  connections: number;
  /** The round trip between app and database (--db-rtt), requested and measured; absent on the direct path. */
  dbRttMs?: number;
  measuredRttMs?: number;
  /** The swept settings: the x ticks. */
  settings: ChartSetting[];
  frameworks: { framework: string; displayName: string; points: ThroughputPoint[]; crossoverMs?: number }[];
  /** min(connections, app concurrency, connection cap) / (effective latency + measured round trip). */
  littleBound: { effectiveMs: number; rps: number }[];
  /** The database's own requests/s for the same SQL at the connection cap. */
  dbCeiling: { effectiveMs: number; rps: number }[];
  /** From this latency on every framework lies within 10% of the fastest. */
  overallCrossoverMs?: number;
  caption: ChartCaption;
}

/** One swept database latency of one framework in the open-loop mode, at a fixed offered rate. */
export interface LatencyPoint {
  requestedMs: number;
  effectiveMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** False when the app could not sustain the offered rate: drawn as a cross, left out of the line. */
  sustained?: boolean;
  /** True when the generator itself sent more than 1% of requests late: ringed, its p99 an upper bound. */
  generatorLate?: boolean;
}

/** p99 against database latency at one offered rate, every framework at the same rate. */
export interface LatencyChartData {
  offeredRps: number;
  /** The settings with at least one point: the x ticks. */
  settings: ChartSetting[];
  frameworks: { framework: string; displayName: string; points: LatencyPoint[] }[];
  /** From this latency (requested ms) on every framework's p99 lies within 10% of the others. */
  crossoverMs?: number;
  caption: ChartCaption;
}

/** Every chart of a run: one throughput chart per connection count, one latency chart per offered rate. */
export interface ChartSet {
  throughput: ThroughputChartData[];
  latency: LatencyChartData[];
  /** One per swept scenario (db-cpu, big-result, hot-rows); absent in sets built before them. */
  sweeps?: ParamSweepChartData[];
}
