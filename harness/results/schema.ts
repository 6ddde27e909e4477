import { z } from 'zod';
import { RunConfigSchema } from '../config/options.ts';
import { KIND_ORDER } from '../scenarios/scenario.ts';
import { AnalysisSchema, StatementProtocolSchema } from './analysis-schema.ts';
import { AppRecordSchema } from './app-record-schema.ts';
import { CommitLatencySchema } from './commit-latency-schema.ts';
import { DbConnectionsSchema, DbWaitsSchema } from './db-waits-schema.ts';
import { NeighboursSchema } from './neighbours-schema.ts';
import { OpenLoopFields } from './open-loop-fields.ts';
import { RoundsRecordSchema } from './rounds-schema.ts';
import { SweepPlacementSchema } from './sweep-schema.ts';
import { TrendSchema } from './trend-schema.ts';

/** 2: ceilings carry protocol and latency, apps their data access, the run its analysis (migrate.ts reads 1). */
export const RESULTS_SCHEMA_VERSION = 2;

/** One measured load run; see load/normalize.ts for how it is derived from autocannon. */
export const MeasurementSchema = z.object({
  /** Successful (2xx) responses per second over the measured window. */
  rps: z.number().min(0),
  autocannonRequestsAverage: z.number().min(0),
  durationS: z.number().min(0),
  requests2xx: z.number().int().min(0),
  latencyMeanMs: z.number().min(0),
  latencyP50Ms: z.number().min(0),
  latencyP90Ms: z.number().min(0),
  latencyP99Ms: z.number().min(0),
  latencyMaxMs: z.number().min(0),
  errors: z.number().int().min(0),
  timeouts: z.number().int().min(0),
  non2xx: z.number().int().min(0),
  resets: z.number().int().min(0),
  throughputBytesPerS: z.number().min(0),
  /** The generator that measured this (`autocannon`, `open-loop`); absent in older results (autocannon). */
  generator: z.string().optional(),
  ...OpenLoopFields,
});
export type Measurement = z.infer<typeof MeasurementSchema>;

/** CPU and memory of one party (app, database, load generator) over a measurement. */
export const UsageSchema = z.object({
  /** Mean CPU as a share of the cores allotted to it (1 = every allotted core busy). */
  cpuMeanUtil: z.number().min(0),
  cpuPeakUtil: z.number().min(0),
  /** Cores it was allotted (the denominator above). */
  cores: z.number().positive(),
  memMeanBytes: z.number().min(0),
  memPeakBytes: z.number().min(0),
  samples: z.number().int().min(0),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ResourcesSchema = z.object({
  intervalMs: z.number().positive(),
  app: UsageSchema.optional(),
  database: UsageSchema.optional(),
  loadgen: UsageSchema.optional(),
  /** The --db-rtt delay proxy, on the database's CPUs. */
  proxy: UsageSchema.optional(),
  dbConnections: DbConnectionsSchema.optional(),
  /** What the app's backends waited on in the database over the measured window (results/db-waits-schema.ts). */
  dbWaits: DbWaitsSchema.optional(),
  /** Other processes and steal over the measured window (results/neighbours-schema.ts). */
  neighbours: NeighboursSchema.optional(),
});
export type Resources = z.infer<typeof ResourcesSchema>;

export const RepeatSchema = z.object({
  /** 0-based repeat index. */
  repeat: z.number().int().min(0),
  startedAt: z.string(),
  measurement: MeasurementSchema,
  resources: ResourcesSchema.optional(),
  /** File under raw/ holding autocannon's untouched output. */
  rawFile: z.string(),
});
export type Repeat = z.infer<typeof RepeatSchema>;

/**
 * A window measured again, kept as evidence and left out of every figure: side by side, after
 * other processes took CPU during it; in either schedule, when it ended before the app answered
 * once per connection (its reason then begins with SHORT_WINDOW, pipeline/window-length.ts).
 */
export const SHORT_WINDOW = 'window too short';
export const RemeasuredSchema = RepeatSchema.extend({ reason: z.string() });
export const FailureSchema = z.object({
  stage: z.enum(['prepare', 'start', 'verify', 'measure']),
  reason: z.string(),
  /** The app's last log lines when it failed. */
  logLines: z.array(z.string()).default([]),
});
export type Failure = z.infer<typeof FailureSchema>;

/**
 * ok: verified and measured, every repeat within the error threshold (docs/pipeline.md).
 * failed: a stage (prepare, start, verify, measure) failed; `failure` names the part and its last log lines.
 * unmeasured: planned, but the run stopped (Ctrl-C, a dead database) before it was measured.
 */
export const CellStatusSchema = z.enum(['ok', 'failed', 'unmeasured']);
export type CellStatus = z.infer<typeof CellStatusSchema>;

export const CrossCheckSchema = z.object({
  tool: z.string(),
  /** wrk's requests/s on the same CPU set, connections and duration. */
  rps: z.number().min(0),
  /** autocannon rps / other tool rps. */
  ratio: z.number().min(0),
  flagged: z.boolean(),
});

/** Median and p99 of `samples` round trips of SELECT 1 over one connection. */
export const RttSummarySchema = z.object({ medianMs: z.number().min(0), p99Ms: z.number().min(0), samples: z.number().int().min(0) });
/** How --db-rtt added its round trips, and what was measured before the cells (docs/network.md). */
export const NetworkSchema = z.object({
  method: z.enum(['netem', 'proxy', 'none']),
  reason: z.string(),
  /** SELECT 1 straight to the database: the loopback baseline subtracted from each path. */
  direct: RttSummarySchema.optional(),
  paths: z.array(
    z.object({
      requestedRttMs: z.number().min(0),
      /** SELECT 1 through the path the apps use, baseline included. */
      measured: RttSummarySchema,
      /** measured median minus the direct median: the round trip the path adds. */
      addedMs: z.number().min(0),
      /** Proxy only: the proxy's own overhead, measured first and taken off its delay. */
      calibrationMs: z.number().min(0).optional(),
      /** Namespaces, interfaces or proxy titles it used, so leftovers can be traced. */
      names: z.array(z.string()),
    }),
  ),
});
export type NetworkRecord = z.infer<typeof NetworkSchema>;

/** Where each party ran (--app-host, --db; docs/network.md "Three hosts"). */
export const TopologySchema = z.object({
  app: z.object({
    /** The address apps bound to and the load generator targeted. */
    host: z.string(),
    /** --app-host netns: the network namespace standing in for the app's host. */
    netns: z.string().optional(),
    /** A remote Docker engine the apps ran on (`ssh://...`, `tcp://...`). */
    engine: z.string().optional(),
    /** A remote engine: the cores of its machine the apps were pinned to (`cpuLayout.appCpus` are this machine's). */
    cpus: z.array(z.number().int().min(0)).optional(),
  }),
  database: z.object({
    host: z.string(),
    port: z.number().int().positive(),
    /** How apps on another host reached it, e.g. a relay on the veth's host end. */
    via: z.string().optional(),
  }),
  /** The load generator runs where the CLI runs. */
  loadgen: z.literal('local'),
});
export type Topology = z.infer<typeof TopologySchema>;

export const CellSchema = z.object({
  id: z.string(),
  framework: z.string(),
  scenario: z.string(),
  kind: z.enum(KIND_ORDER),
  /** Requests in flight per load-generator connection (the scenario's `pipelining`); absent: 1. */
  pipelining: z.number().int().min(1).optional(),
  connections: z.number().int().positive(),
  dbLatencyMs: z.number().int().min(0).optional(),
  queries: z.number().int().positive().optional(),
  /** db-cpu, big-result, hot-rows: the value of work, rows or k the cell measured. */
  param: z.object({ name: z.enum(['work', 'rows', 'k']), value: z.number().int().positive() }).optional(),
  /** One value of a swept scenario: the scenario file's name; `scenario` is the instance (`db-cpu-work2000`). */
  sweepOf: z.string().optional(),
  /** Round trip added between app and database (--db-rtt); absent on the direct path. */
  dbRttMs: z.number().min(0).optional(),
  /** Open loop only (docs/open-loop.md): the rate as asked, `300` (requests/s) or `50%` (of the sweep's capacity). */
  rateSpec: z.string().optional(),
  /** Open loop only: how requests were spaced. */
  arrival: z.enum(['constant', 'poisson']).optional(),
  /** Open loop only: the rate offered, requests/s; a share is resolved once the closed-loop cells are measured. */
  offeredRps: z.number().positive().optional(),
  path: z.string(),
  status: CellStatusSchema,
  failure: FailureSchema.optional(),
  verification: z.object({ checked: z.array(z.string()), problems: z.array(z.string()) }).optional(),
  repeats: z.array(RepeatSchema),
  /** Windows measured again, after a disturbance side by side or for being too short (docs/schedule.md); absent when none was. */
  remeasured: z.array(RemeasuredSchema).optional(),
  crossCheck: CrossCheckSchema.optional(),
});
export type Cell = z.infer<typeof CellSchema>;

export { type AppRecord, AppRecordSchema, WorkerSettingsSchema } from './app-record-schema.ts';

export const WarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});
export type Warning = z.infer<typeof WarningSchema>;

export const CeilingSchema = z.object({
  /** What was measured: `loadgen`, or a database scenario's cell key. */
  kind: z.enum(['loadgen', 'database']),
  scenario: z.string().optional(),
  connections: z.number().int().positive(),
  /** Load generator ceilings: requests in flight per connection, as the cells it bounds send them; absent: 1. */
  pipelining: z.number().int().min(1).optional(),
  dbLatencyMs: z.number().int().min(0).optional(),
  /** Round trip added between the probe and the database (--db-rtt). */
  dbRttMs: z.number().min(0).optional(),
  rps: z.number().min(0),
  /** Database ceilings: the statement protocol pgbench used; absent means `prepared` (files before version 2). */
  protocol: StatementProtocolSchema.optional(),
  /** Database ceilings: mean transaction latency (pgbench's `latency average`), the effective slow-db latency. */
  latencyMeanMs: z.number().min(0).optional(),
  /** Load generator ceilings: `open-loop` for the open-loop generator's (docs/open-loop.md); absent: the closed-loop one. */
  generator: z.string().optional(),
  /** Load generator CPU while measuring the ceiling. */
  cpuMeanUtil: z.number().min(0).optional(),
  note: z.string(),
});
export type Ceiling = z.infer<typeof CeilingSchema>;

/** Milliseconds one kind of fixed work took over a reading's rounds (resources/speed.ts). */
export const SpeedRangeSchema = z.object({ median: z.number().positive(), min: z.number().positive(), max: z.number().positive() });
export type SpeedRange = z.infer<typeof SpeedRangeSchema>;
/** The machine's own speed, not any app's: fixed work, timed by the harness (resources/speed.ts). */
export const SpeedReadingSchema = z.object({ computeMs: SpeedRangeSchema, cacheMs: SpeedRangeSchema, memoryMs: SpeedRangeSchema });
export type SpeedReading = z.infer<typeof SpeedReadingSchema>;

export const RunStatusSchema = z.enum(['running', 'complete', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export type FinalRunStatus = Exclude<RunStatus, 'running'>;

export const ResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({
    name: z.string(),
    version: z.string(),
    /** `git rev-parse HEAD` of the harness when it ran from a checkout. */
    commit: z.string().optional(),
  }),
  runId: z.string(),
  /**
   * running while measuring; at the end complete (every planned cell is ok or failed),
   * failed (the run stopped early: a dead database or an error it could not go on from)
   * or interrupted (Ctrl-C). The final write happens on every path.
   */
  status: RunStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  config: RunConfigSchema,
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    kernel: z.string(),
    memoryBytes: z.number().positive(),
    platform: z.string(),
    node: z.string(),
  }),
  cpuLayout: z.object({
    totalCores: z.number().int().positive(),
    appCpus: z.array(z.number().int().min(0)),
    dbCpus: z.array(z.number().int().min(0)),
    loadgenCpus: z.array(z.number().int().min(0)),
    shared: z.boolean(),
    note: z.string(),
    /** False when taskset was missing and nothing was pinned. */
    pinned: z.boolean(),
  }),
  runtime: z.object({ kind: z.enum(['local', 'docker']), reason: z.string(), baseImage: z.string().optional() }),
  database: z.object({
    kind: z.enum(['embedded', 'docker', 'url']),
    /** Password redacted. */
    url: z.string(),
    version: z.string(),
    seeded: z.boolean(),
    image: z.string().optional(),
  }),
  python: z.object({ path: z.string(), version: z.string() }).optional(),
  /** --db-rtt: the method and the measured round trips; absent in results from before it. */
  network: NetworkSchema.optional(),
  /** Where app, database and load generator ran; absent in results from before --app-host. */
  topology: TopologySchema.optional(),
  apps: z.record(z.string(), AppRecordSchema),
  ceilings: z.array(CeilingSchema).default([]),
  warnings: z.array(WarningSchema).default([]),
  /** The restart schedule: the first measured cell, measured again at the end: did the machine drift? */
  drift: z.object({ cellId: z.string(), firstRps: z.number(), lastRps: z.number(), change: z.number(), flagged: z.boolean() }).optional(),
  /** --schedule side-by-side: the machine's speed over the rounds, read off every closed-loop window (absent before it, and with restarts). */
  trend: TrendSchema.optional(),
  /** The same fixed work timed before the first cell and after the last: did the machine itself change speed? */
  speed: z.object({ start: SpeedReadingSchema, end: SpeedReadingSchema.optional() }).optional(),
  /** --schedule side-by-side: how its rounds ended, per round trip. */
  rounds: z.array(RoundsRecordSchema).optional(),
  /** Where the slow-db sweep was placed from the predicted crossovers (analysis/sweep-placement.ts); absent without db and slow-db cells. */
  sweep: SweepPlacementSchema.optional(),
  /** The database's commit latency, measured when the run has updates cells and pgbench (absent before it). */
  commitLatency: CommitLatencySchema.optional(),
  /** Seconds spent waiting for another run's measurements (the measuring lock, docs/faults.md) before the first load: not this run's work. */
  machineWaitS: z.number().min(0).optional(),
  cells: z.array(CellSchema),
  /** Derived by analysis/analyze.ts from everything above; recomputed by `report`. */
  analysis: AnalysisSchema.optional(),
});
export type Results = z.infer<typeof ResultsSchema>;
