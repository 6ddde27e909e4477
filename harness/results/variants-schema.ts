import { z } from 'zod';
import { IntervalSchema } from './interval-schema.ts';

/**
 * Where the variant and its base came within 10% of each other in a slow-db sweep, judged as
 * the crossover verdict judges frameworks against the fastest (analysis/verdict.ts), on the
 * interval of the variant / base ratio folded onto "within 10% either way".
 */
export const AlikeSchema = z.object({
  /** converged: from `fromMs` on; never: not at the largest latency; undecided: the interval straddles the 10% line at the largest latency. */
  answer: z.enum(['converged', 'never', 'undecided']),
  fromMs: z.number().min(0).optional(),
  /** The latency below `fromMs` (or the largest, when undecided) where the interval straddles the 10% line. */
  undecidedAtMs: z.number().min(0).optional(),
  /** intervals: every ratio had one; point: fewer than 3 repeats, so the answer rests on point estimates. */
  basis: z.enum(['intervals', 'point']),
  /** The fewest repeats behind any ratio of the sweep. */
  rounds: z.number().int().min(0),
});
export type Alike = z.infer<typeof AlikeSchema>;

/** One app in a sweep: its measured crossover, as the crossover table has it (analysis.crossover.perFramework). */
export const AppCrossoverSchema = z.object({
  /** The smallest requested latency from which it stays pool- or database-bound; absent: never in this sweep. */
  crossoverMs: z.number().min(0).optional(),
});

/** One column (scenario, connections, latency, round trip) where the variant and its base were both measured comparably. */
export const VariantColumnSchema = z.object({
  /** analysis/summary.ts columnKey, e.g. `slow-db/c64/10ms`. */
  key: z.string(),
  scenario: z.string(),
  connections: z.number().int().positive(),
  dbLatencyMs: z.number().min(0).optional(),
  dbRttMs: z.number().min(0).optional(),
  /** Variant requests/s / base requests/s: the median of per-round ratios when rounds pair them, else the ratio of the medians (analysis/ratios.ts baselineRatios). */
  ratio: z.number().min(0),
  /** Its 95% bootstrap interval; absent below 3 repeats of either app. */
  interval: IntervalSchema.optional(),
  /** The fewer repeats of the two cells. */
  repeats: z.number().int().min(0),
  /** The ratio is per round (interleaved repeats, equal counts); false: a ratio of medians. */
  paired: z.boolean(),
});
export type VariantColumn = z.infer<typeof VariantColumnSchema>;

/** Both apps in one slow-db sweep (one per round trip, as analysis.crossovers). */
export const VariantCrossoverSchema = z.object({
  dbRttMs: z.number().min(0).optional(),
  /** Absent when the app was not in the sweep. */
  base: AppCrossoverSchema.optional(),
  variant: AppCrossoverSchema.optional(),
  /** From which latency the two lie within 10% of each other; absent when no latency of the sweep has both. */
  alike: AlikeSchema.optional(),
});
export type VariantCrossover = z.infer<typeof VariantCrossoverSchema>;

/** A variant (its manifest's `variantOf`) beside its base app, both in the run: what moved, and by how much. */
export const VariantPairSchema = z.object({
  variant: z.string(),
  base: z.string(),
  columns: z.array(VariantColumnSchema),
  crossovers: z.array(VariantCrossoverSchema),
  /** One plain sentence made from the numbers above, e.g. `The ORM (FastAPI + SQLAlchemy) against FastAPI: costs 35% (31-39%) on db; ...`. */
  sentence: z.string(),
});
export type VariantPair = z.infer<typeof VariantPairSchema>;
