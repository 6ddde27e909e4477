import { z } from 'zod';

/**
 * What else used the machine during one measured window (resources/neighbours.ts): processes
 * outside the run's own (the harness and its load generator, the app, the database, the delay
 * proxy) and the hypervisor's steal. Absent in results from before it, and where /proc cannot
 * be read.
 */
export const NeighboursSchema = z.object({
  /** CPU those processes used over the window, in cores (0.25: a quarter of one core). */
  coreShare: z.number().min(0),
  /** The most they used over one scan interval (half a second), in cores. */
  peakCoreShare: z.number().min(0),
  /** The share of the machine's CPU time the hypervisor gave to other guests over the window (resources/steal.ts). */
  stealShare: z.number().min(0),
  /** Seconds the tally covers, in the machine's own clock ticks. */
  windowS: z.number().min(0),
  /** The busiest of those processes, busiest first. */
  top: z.array(z.object({ pid: z.number().int(), comm: z.string(), coreShare: z.number().min(0) })),
});
export type Neighbours = z.infer<typeof NeighboursSchema>;
