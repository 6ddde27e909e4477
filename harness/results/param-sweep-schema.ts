import { z } from 'zod';
import { IntervalSchema } from './interval-schema.ts';

/** One framework at one value of a swept parameter (analysis/param-sweep.ts). */
export const ParamSweepPointSchema = z.object({
  value: z.number(),
  /** Median requests/s over the cell's repeats or rounds. */
  rps: z.number().min(0).optional(),
  /** Ratio to the fastest framework at this value, with its 95% interval when measured in 3 rounds or more. */
  shareOfFastest: z.number().min(0).optional(),
  shareOfFastestInterval: IntervalSchema.optional(),
  /** The cell's bottleneck labels (analysis-schema.ts BOTTLENECKS). */
  labels: z.array(z.string()).optional(),
  /** The cell failed here (its failure reason): no rate, and the ratios and the verdict at this value leave the framework out. */
  failed: z.string().optional(),
});

/**
 * A swept scenario (db-cpu over work, big-result over rows, hot-rows over k) read as one
 * sweep: the frameworks' ratios per value, the database's own capacity on the same SQL, the
 * point where it predicts every framework to be held to it, and the statistical verdict.
 */
export const ParamSweepSchema = z.object({
  /** The scenario file's name (`db-cpu`); each value was measured as its own instance (`db-cpu-work1000`). */
  scenario: z.string(),
  kind: z.enum(['db-cpu', 'big-result', 'hot-rows']),
  param: z.enum(['work', 'rows', 'k']),
  connections: z.number().int().positive(),
  /** The values in order of the database's growing share: work and rows ascending, k descending. */
  values: z.array(z.number()),
  /** The database ceiling on the request's own SQL at each value (pgbench, the apps' connection cap): the database's capacity. */
  capacity: z.array(z.object({ value: z.number(), rps: z.number().min(0), latencyMeanMs: z.number().min(0).optional() })),
  /**
   * hot-rows: the bound the database's commit latency sets. A request holds its row's lock until
   * its commit is flushed, so k rows serve at most min(k, cap) commits per commit latency.
   */
  commitBound: z.array(z.object({ value: z.number(), rps: z.number().min(0) })).optional(),
  perFramework: z.array(
    z.object({
      framework: z.string(),
      points: z.array(ParamSweepPointSchema),
      /** The framework's own rate: its db cell's requests/s, where the database costs next to nothing. */
      ownRps: z.number().min(0).optional(),
      /** The first value whose database capacity is at or below ownRps: from there the database, not the framework, should set the rate. */
      predictedFrom: z.number().optional(),
    }),
  ),
  /** The first value whose capacity is at or below every framework's own rate: the predicted crossover; absent: beyond the sweep or no model. */
  predictedFrom: z.number().optional(),
  verdict: z
    .object({
      answer: z.enum(['converged', 'never', 'undecided']),
      from: z.number().optional(),
      undecidedAt: z.number().optional(),
      basis: z.enum(['intervals', 'point']),
      rounds: z.number().int().min(0),
      sentence: z.string(),
    })
    .optional(),
  notes: z.array(z.string()),
});
export type ParamSweep = z.infer<typeof ParamSweepSchema>;
