import { z } from 'zod';

const IntervalSchema = z.object({ estimate: z.number(), low: z.number(), high: z.number() });

/**
 * The machine's speed over the side-by-side rounds (analysis/trend.ts; docs/schedule.md,
 * "The machine's trend over the rounds"): every closed-loop cell measured against its own
 * level, so only the movement common to all of them is left. Shares: -0.03 is 3% slower.
 */
export const TrendSchema = z.object({
  /** Rounds (per database round trip) and cells that went in, and their windows. */
  rounds: z.number().int().min(0),
  cells: z.number().int().min(0),
  windows: z.number().int().min(0),
  /** Seconds from the start of the first window to the start of the last. */
  spanS: z.number().min(0),
  /** The change of speed over `spanS` read off the fitted line, with its 95% interval (whole rounds resampled). */
  change: IntervalSchema,
  /** The threshold of the verdict (DRIFT_LIMIT): steady within ±limit, drifted beyond it, undecided when the interval crosses it. */
  limit: z.number().positive(),
  verdict: z.enum(['steady', 'drifted', 'undecided']),
  /** Per round, the speed against the mean of its round trip's rounds, with a 95% interval over its cells when it has 3 or more. */
  perRound: z.array(
    z.object({
      /** The round trip added (--db-rtt); absent on the direct path. */
      dbRttMs: z.number().min(0).optional(),
      /** 0-based: repeat `round` of every cell measured in it. */
      round: z.number().int().min(0),
      /** Seconds from the first window of the run to the mean start of this round's windows. */
      atS: z.number().min(0),
      cells: z.number().int().min(0),
      change: z.number(),
      low: z.number().optional(),
      high: z.number().optional(),
    }),
  ),
});
export type MachineTrend = z.infer<typeof TrendSchema>;
