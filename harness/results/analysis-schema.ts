import { z } from 'zod';
import { BottleneckSchema } from './bottleneck-schema.ts';
import { IntervalSchema } from './interval-schema.ts';
import { ParamSweepSchema } from './param-sweep-schema.ts';
import { VariantPairSchema } from './variants-schema.ts';

/**
 * How a client sends its SQL (pgbench's `-M`): `prepared` parses once per connection,
 * `extended` parses and binds every time, `simple` sends one text query with the values
 * inlined (the Django ORM over psycopg 3 with client-side binding).
 */
export const STATEMENT_PROTOCOLS = ['prepared', 'simple', 'extended'] as const;
export const StatementProtocolSchema = z.enum(STATEMENT_PROTOCOLS);
export type StatementProtocol = z.infer<typeof StatementProtocolSchema>;

/** What an app's requests go through to reach the database, as its manifest declares. */
export const DataAccessSchema = z.object({
  kind: z.enum(['orm', 'raw']),
  /** e.g. `psycopg`, `asyncpg`. */
  driver: z.string(),
  protocol: StatementProtocolSchema,
  /** The JSON serializer, e.g. `json (stdlib)`, `pydantic-core`, `msgspec`. */
  serializer: z.string(),
});
export type DataAccess = z.infer<typeof DataAccessSchema>;

export { BOTTLENECKS, type Bottleneck, BottleneckSchema } from './bottleneck-schema.ts';

/** One limit that holds for a cell and the figure that shows it. */
export const LimitSchema = z.object({ label: BottleneckSchema, reason: z.string() });
export type Limit = z.infer<typeof LimitSchema>;

export const AttributionSchema = z.object({
  /** The first of `labels` in BOTTLENECKS order: for displays with room for one word. */
  label: BottleneckSchema,
  /** Every limit that holds, in BOTTLENECKS order; `['undetermined']` when none does. */
  labels: z.array(BottleneckSchema).min(1),
  limits: z.array(LimitSchema),
  /** Every figure looked at, e.g. `app CPU 98%`, `94% of the 1,000 req/s Little's-law bound`. */
  evidence: z.array(z.string()),
  /** The cell is not a framework number: the load generator may have limited it. */
  flagged: z.boolean(),
});
export type AttributionData = z.infer<typeof AttributionSchema>;

/** A ceiling a cell was judged against; `id` as made by ceilingId() in analysis/bounds.ts. */
export const CeilingRefSchema = z.object({
  id: z.string(),
  rps: z.number().min(0),
  protocol: StatementProtocolSchema.optional(),
  latencyMeanMs: z.number().min(0).optional(),
});

export const LittleBoundSchema = z.object({
  rps: z.number().min(0),
  /** min(load generator connections, app concurrency limit, connection cap). */
  connections: z.number().int().positive(),
  /** What set `connections`. */
  limitedBy: z.enum(['connection cap', 'app concurrency', 'load generator connections']),
  /** How long each request holds its connection: the effective database latency plus `rttMs`. */
  latencyMs: z.number().positive(),
  /** The measured round trip between app and database included in `latencyMs` (--db-rtt; docs/network.md). */
  rttMs: z.number().min(0).optional(),
});
export type LittleBound = z.infer<typeof LittleBoundSchema>;

export { IntervalSchema };

/** The crossover as a statistical statement (analysis/verdict.ts): the answer users came for, in one sentence. */
export const CrossoverVerdictSchema = z.object({
  /** converged: from `fromMs` on every framework lies within 10% of the fastest; never: not at the largest latency; undecided: an interval straddles the line there. */
  answer: z.enum(['converged', 'never', 'undecided']),
  fromMs: z.number().min(0).optional(),
  /** The latency below the crossover (or the largest, when undecided) where an interval straddles 0.9. */
  undecidedAtMs: z.number().min(0).optional(),
  /** intervals: every ratio had one; point: fewer than 3 rounds, so the answer rests on point estimates. */
  basis: z.enum(['intervals', 'point']),
  /** The fewest rounds (repeats) behind any ratio of the sweep. */
  rounds: z.number().int().min(0),
  sentence: z.string(),
});
export type CrossoverVerdict = z.infer<typeof CrossoverVerdictSchema>;

/** The analysis of one cell (the raw measurements stay in results.cells). */
export const CellAnalysisSchema = z.object({
  id: z.string(),
  framework: z.string(),
  scenario: z.string(),
  connections: z.number().int().positive(),
  /** The requested slow-db latency. */
  dbLatencyMs: z.number().min(0).optional(),
  /** The latency the database really held each request for (see EffectiveLatencySchema). */
  effectiveDbLatencyMs: z.number().min(0).optional(),
  /** The round trip requested between app and database (--db-rtt); absent on the direct path. */
  dbRttMs: z.number().min(0).optional(),
  /** The round trip measured on that path before the cells (results.network.paths[].addedMs). */
  measuredRttMs: z.number().min(0).optional(),
  rpsMedian: z.number().min(0).optional(),
  attribution: AttributionSchema.optional(),
  dbCeilingRps: z.number().min(0).optional(),
  littleBoundRps: z.number().min(0).optional(),
  /** This cell's rps / the fastest framework's in the same column (load-generator-bound cells left out); the median of per-round ratios when rounds pair them. */
  shareOfFastest: z.number().min(0).optional(),
  /** 95% interval of shareOfFastest (3 repeats or more; analysis/ratios.ts). */
  shareOfFastestInterval: IntervalSchema.optional(),
  /** 95% interval of the median requests/s over the repeats (3 or more). */
  rpsInterval: IntervalSchema.optional(),
  /** --baseline: this cell's rps / the baseline framework's in the same column, per round when paired (analysis/ratios.ts). */
  toBaseline: z.object({ framework: z.string(), ratio: z.number().min(0), interval: IntervalSchema.optional() }).optional(),
  shareOfDbCeiling: z.number().min(0).optional(),
  shareOfLittleBound: z.number().min(0).optional(),
  judgedAgainst: z
    .object({ dbCeiling: CeilingRefSchema.optional(), loadgenCeiling: CeilingRefSchema.optional(), littleBound: LittleBoundSchema.optional() })
    .optional(),
  /** e.g. the fall-back to another protocol's ceiling. */
  notes: z.array(z.string()).default([]),
});
export type CellAnalysis = z.infer<typeof CellAnalysisSchema>;

/** A slow-db setting: the latency asked of pg_sleep and the one the database delivered. */
export const EffectiveLatencySchema = z.object({
  requestedMs: z.number().min(0),
  effectiveMs: z.number().min(0),
  /**
   * `pgbench latency`: the ceiling run's mean transaction latency; `ceiling throughput`:
   * its clients / its requests/s (Little's law, for files without the latency);
   * `requested`: no ceiling to read it from.
   */
  source: z.enum(['pgbench latency', 'ceiling throughput', 'requested']),
  /** effective / requested - 1; undefined at 0 ms requested. */
  offBy: z.number().optional(),
  /** |offBy| > EFFECTIVE_LATENCY_TOLERANCE. */
  flagged: z.boolean(),
  ceilingId: z.string().optional(),
  /** The measured round trip taken off the ceiling's figures, which include it (--db-rtt). */
  rttMs: z.number().min(0).optional(),
});
export type EffectiveLatency = z.infer<typeof EffectiveLatencySchema>;

export const CurvePointSchema = z.object({
  requestedMs: z.number().min(0),
  effectiveMs: z.number().min(0),
  measuredRps: z.number().min(0).optional(),
  rpsMin: z.number().min(0).optional(),
  rpsMax: z.number().min(0).optional(),
  /** Exact MVA of the closed network in docs/analysis.md. */
  predictedRps: z.number().min(0).optional(),
  /** measured / predicted - 1. */
  error: z.number().optional(),
});
export type CurvePoint = z.infer<typeof CurvePointSchema>;

export const FrameworkCrossoverSchema = z.object({
  framework: z.string(),
  /** Measured: the smallest requested latency from which the cell stays pool- or database-bound. */
  crossoverMs: z.number().min(0).optional(),
  /** The effective latency there for the framework's own protocol; tables and charts name the setting by its `settings` entry. */
  crossoverEffectiveMs: z.number().min(0).optional(),
  prediction: z
    .object({
      /** The framework's own requests/s on its db cell in this run (X). */
      dbCellRps: z.number().positive(),
      /** C: min(connections, app concurrency limit, connection cap). */
      connections: z.number().int().positive(),
      /** C / X minus the measured round trip, in ms of effective latency (0: the pool binds at every latency). */
      predictedMs: z.number().min(0),
      /** The first swept setting whose effective latency reaches predictedMs (undefined: beyond the sweep). */
      predictedStepMs: z.number().min(0).optional(),
      /** Predicted and measured settings lie more than one sweep step apart. */
      disagrees: z.boolean(),
    })
    .optional(),
  points: z.array(CurvePointSchema),
});
export type FrameworkCrossover = z.infer<typeof FrameworkCrossoverSchema>;

export const CrossoverAnalysisSchema = z.object({
  /** The load generator connection count the table is for (the run's first). */
  connections: z.number().int().positive(),
  /** The round trip requested between app and database for this table's cells (--db-rtt); absent: the direct path. */
  dbRttMs: z.number().min(0).optional(),
  /** The round trip measured on that path (results.network.paths[].addedMs), added to every hold time. */
  measuredRttMs: z.number().min(0).optional(),
  /** Requested latencies, ascending. */
  latencies: z.array(z.number().min(0)),
  settings: z.array(EffectiveLatencySchema),
  perFramework: z.array(FrameworkCrossoverSchema),
  /** Smallest requested latency from which every framework lies within 10% of the fastest. */
  overallMs: z.number().min(0).optional(),
  overallEffectiveMs: z.number().min(0).optional(),
  spreadByLatency: z.array(z.object({ dbLatencyMs: z.number().min(0), spread: z.number().min(0) })),
  /** The statistical statement of the crossover; absent in results from before it, and with one framework. */
  verdict: CrossoverVerdictSchema.optional(),
  notes: z.array(z.string()).default([]),
});
export type CrossoverAnalysis = z.infer<typeof CrossoverAnalysisSchema>;

/** One open-loop cell of a latency sweep (docs/open-loop.md): medians over its repeats. */
export const LatencyCellSchema = z.object({
  id: z.string(),
  framework: z.string(),
  dbLatencyMs: z.number().min(0),
  status: z.enum(['ok', 'failed', 'unmeasured']),
  offeredRps: z.number().min(0).optional(),
  /** Responses per second completed in the measured window (median over repeats). */
  achievedRps: z.number().min(0).optional(),
  /** Requests sent more than the late tolerance after their scheduled time with every connection busy (or never sent), summed over repeats, of `scheduled`. */
  late: z.number().int().min(0).optional(),
  /** Sent that late with a connection free (the generator woke late), summed over repeats; the longest such delay, ms. */
  lateGenerator: z.number().int().min(0).optional(),
  generatorLagMaxMs: z.number().min(0).optional(),
  /** Some repeat had more than 1% generator-held late requests: flagged, its latencies carry that delay (absent in older analyses). */
  generatorLate: z.boolean().default(false),
  scheduled: z.number().int().min(0).optional(),
  /** From each request's scheduled time. */
  p50Ms: z.number().min(0).optional(),
  p99Ms: z.number().min(0).optional(),
  /** The 95% interval of the median p99 over the repeats (3 or more; analysis/latency.ts); absent in older analyses. */
  p99Interval: IntervalSchema.optional(),
  p999Ms: z.number().min(0).optional(),
  /** Every repeat kept its offered rate (load/open-loop-normalize.ts openLoopShortfall); only these count. */
  sustained: z.boolean(),
  /** Why not sustained, or why not measured. */
  shortfall: z.string().optional(),
  /** Offered more than OPEN_LOOP_CEILING_SHARE of the open-loop generator's own ceiling. */
  nearGeneratorCeiling: z.boolean(),
});
export type LatencyCell = z.infer<typeof LatencyCellSchema>;

/**
 * The latency crossover as a statistical statement (analysis/latency-verdict.ts): converged from
 * `fromMs` on; never (not at the largest latency); or undecided at `atMs`, where the interval of
 * the p99 spread straddles 10%. `spread`: that latency's interval of highest / lowest p99 - 1.
 */
export const LatencyVerdictSchema = z.object({
  answer: z.enum(['converged', 'never', 'undecided']),
  fromMs: z.number().min(0).optional(),
  atMs: z.number().min(0).optional(),
  spread: IntervalSchema.optional(),
});
export type LatencyVerdict = z.infer<typeof LatencyVerdictSchema>;

/** The open-loop slow-db sweep at one offered rate, every framework at the same rate. */
export const LatencySweepSchema = z.object({
  /** As asked: `300` (requests/s) or `50%` (of the sweep's capacity). */
  rateSpec: z.string(),
  arrival: z.enum(['constant', 'poisson']).optional(),
  scenario: z.string(),
  connections: z.number().int().positive(),
  dbRttMs: z.number().min(0).optional(),
  /** The rate every cell was offered; undefined when no cell got one (its % could not be resolved). */
  offeredRps: z.number().min(0).optional(),
  /** Requested latencies, ascending. */
  latencies: z.array(z.number().min(0)),
  frameworks: z.array(z.string()),
  cells: z.array(LatencyCellSchema),
  /** Smallest latency from which every framework's p99 lies within 10% of the others' at it and every larger one. */
  crossoverMs: z.number().min(0).optional(),
  /** The crossover with the p99s' intervals; absent in older analyses and with one framework. */
  verdict: LatencyVerdictSchema.optional(),
  /** Per latency: highest p99 / lowest p99 - 1, or undefined when some framework has no sustained cell there. */
  spreadByLatency: z.array(z.object({ dbLatencyMs: z.number().min(0), spread: z.number().min(0).optional() })),
  notes: z.array(z.string()).default([]),
});
export type LatencySweep = z.infer<typeof LatencySweepSchema>;

export const LatencyAnalysisSchema = z.object({
  /** The open-loop generator's own ceiling in this run (requests/s), when measured. */
  generatorCeilingRps: z.number().min(0).optional(),
  sweeps: z.array(LatencySweepSchema),
});
export type LatencyAnalysis = z.infer<typeof LatencyAnalysisSchema>;

/** What `analyze` derives from a run, stored in results.json so consumers need not re-derive it. */
export const AnalysisSchema = z.object({
  cells: z.array(CellAnalysisSchema),
  crossover: CrossoverAnalysisSchema.optional(),
  /** One crossover per round trip, ascending, when the run added one (--db-rtt); `crossover` is the first. */
  crossovers: z.array(CrossoverAnalysisSchema).optional(),
  /** The highest load generator ceiling of the run. */
  loadgenCeilingRps: z.number().min(0).optional(),
  /** The open-loop latency sweeps (docs/open-loop.md); absent when the run had none. */
  latency: LatencyAnalysisSchema.optional(),
  /** Each variant beside its base app (analysis/variants.ts); absent when no variant ran with its base. */
  variants: z.array(VariantPairSchema).optional(),
  /** The swept scenarios (db-cpu, big-result, hot-rows), one per scenario file (analysis/param-sweep.ts); absent when the run had none. */
  paramSweeps: z.array(ParamSweepSchema).optional(),
  notes: z.array(z.string()).default([]),
});
export type AnalysisRecord = z.infer<typeof AnalysisSchema>;
