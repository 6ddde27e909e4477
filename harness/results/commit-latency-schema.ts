import { z } from 'zod';

/**
 * The database's commit latency, measured once per run that has updates cells: single-row
 * UPDATE transactions from one pgbench client, each waiting for its commit (docs/updates.md).
 * On a fast local disk and on a slow cloud volume the updates crossover lands in different
 * places, so the figure sits beside the cells.
 */
export const CommitLatencySchema = z.object({
  /** Mean time of one single-row UPDATE transaction (pgbench's `latency average`): statement plus commit. */
  msPerCommit: z.number().min(0),
  commitsPerS: z.number().min(0),
  clients: z.number().int().positive(),
  durationS: z.number().positive(),
  /** The server's synchronous_commit as the test's connection saw it (`on`, `off`, ...). */
  synchronousCommit: z.string(),
  /** The server's wal_level, e.g. `replica` (the default) or `minimal` (TechEmpower's). */
  walLevel: z.string().optional(),
  tool: z.literal('pgbench'),
});
export type CommitLatency = z.infer<typeof CommitLatencySchema>;
