import { z } from 'zod';

/** One framework's predicted crossover, from its own db cell: C / X - RTT (analysis/predict.ts). */
export const SweepPredictionSchema = z.object({
  framework: z.string(),
  connections: z.number().int().positive(),
  /** The round trip the db cell was measured at, in ms; 0 for the direct path. */
  dbRttMs: z.number().min(0),
  /** C: connections the app can hold at once. */
  poolConnections: z.number().int().positive(),
  /** X: the db cell's median requests/s. */
  dbCellRps: z.number().positive(),
  predictedMs: z.number().min(0),
});

/**
 * Where the slow-db sweep was placed and why (docs/analysis.md, "Where the sweep is placed"):
 * after the closed-loop cells, the largest predicted crossover is compared with the sweep's
 * last latency, and latencies are added until the sweep reaches twice it.
 */
export const SweepPlacementSchema = z.object({
  /** The latencies the run planned (the profile's, or --db-latencies). */
  plannedMs: z.array(z.number().int().min(0)),
  /** Latencies added from the predictions and measured after the planned cells. */
  addedMs: z.array(z.number().int().min(0)),
  /** Every framework's prediction, largest first. */
  predictions: z.array(SweepPredictionSchema),
  /** Twice the largest prediction: the latency the sweep should reach. */
  targetMs: z.number().min(0).optional(),
  /** Whether the sweep (planned plus added) reaches targetMs. */
  brackets: z.boolean(),
  /** --db-latencies was given: the sweep is the user's and is never extended. */
  explicit: z.boolean(),
  /** One plain sentence: where the sweep lies and why. */
  line: z.string(),
});
export type SweepPlacement = z.infer<typeof SweepPlacementSchema>;
export type SweepPrediction = z.infer<typeof SweepPredictionSchema>;
