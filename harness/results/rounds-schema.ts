import { z } from 'zod';

/**
 * How the side-by-side rounds of one database round trip ended (pipeline/side-by-side.ts;
 * docs/schedule.md): the rounds begun, why they stopped, and the precision each column
 * (cell shape) reached against the target.
 */
export const RoundsRecordSchema = z.object({
  /** The round trip added (--db-rtt); absent on the direct path. */
  dbRttMs: z.number().min(0).optional(),
  rounds: z.number().int().min(0),
  /** precision: every column reached the target; budget: the seconds were spent; max-rounds: every planned round ran; stopped: Ctrl-C, a dead database, or no app left. */
  stoppedBy: z.enum(['precision', 'budget', 'max-rounds', 'stopped']),
  /** The target: the widest 95% interval of a ratio to the fastest, as a share of the ratio (0.05: ±5%). */
  targetHalfWidth: z.number().positive(),
  /** This round trip's share of the budget, and the seconds its rounds took. */
  budgetS: z.number().positive(),
  elapsedS: z.number().min(0),
  columns: z.array(
    z.object({
      /** `db/c64`, `slow-db/c64/10ms`: a column of the tables. */
      shape: z.string(),
      /** Rounds this column was measured in (a column that reached the target is not measured again). */
      rounds: z.number().int().min(0),
      /** The widest relative half-width at its last check; absent below 3 rounds. */
      halfWidth: z.number().min(0).optional(),
      met: z.boolean(),
    }),
  ),
});
export type RoundsRecord = z.infer<typeof RoundsRecordSchema>;
