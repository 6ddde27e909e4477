import { z } from 'zod';

/**
 * The limits a cell can hit, in the order that picks the primary label for compact
 * displays: a saturated load generator voids the rest; then the app; then the bounds.
 * `connection pool`: the connection cap x the database latency binds (Little's law);
 * `concurrency limit`: the same bound, but set by the app's threads or by the load
 * generator's connections, which are fewer than the cap. `database CPU`, `lock waits` and
 * `commit latency` say why the database took its time (its cores busy, the app's backends
 * queued on locks or on their commits' WAL flush); they come beside the others.
 */
export const BOTTLENECKS = [
  'load generator',
  'framework',
  'connection pool',
  'concurrency limit',
  'database',
  'database CPU',
  'lock waits',
  'commit latency',
  'undetermined',
] as const;
export const BottleneckSchema = z.enum(BOTTLENECKS);
export type Bottleneck = z.infer<typeof BottleneckSchema>;
