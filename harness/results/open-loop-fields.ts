import { z } from 'zod';

/**
 * The fields only an open-loop measurement carries (docs/open-loop.md), all optional so a
 * closed-loop measurement leaves them out. Spread into the Measurement schema.
 */
export const OpenLoopFields = {
  /** How requests were spaced. */
  arrival: z.enum(['constant', 'poisson']).optional(),
  /** The rate requests were scheduled at. */
  offeredRps: z.number().min(0).optional(),
  /** Responses of any status completed per second in the measured window. */
  achievedRps: z.number().min(0).optional(),
  /** 99.9th percentile latency, from each request's scheduled time. */
  latencyP999Ms: z.number().min(0).optional(),
  /** Requests due in the measured window. */
  scheduled: z.number().int().min(0).optional(),
  /** Requests sent more than `lateToleranceMs` after they were due because every connection was busy, or never sent: they count against the cell. */
  late: z.number().int().min(0).optional(),
  lateToleranceMs: z.number().min(0).optional(),
  /** Sent that late although a connection was free (the generator woke late), and the longest such delay (ms): the cell is flagged. */
  lateGenerator: z.number().int().min(0).optional(),
  generatorLagMaxMs: z.number().min(0).optional(),
  /** What the errors said, by message, so a failed cell names its cause. */
  errorMessages: z.record(z.string(), z.number().int().min(0)).optional(),
  /** The longest send past a due time (ms), and the generator's nice value (-20 when raised). */
  sendLagMaxMs: z.number().min(0).optional(),
  generatorNice: z.number().int().optional(),
};
