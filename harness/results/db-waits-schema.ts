import { z } from 'zod';

/** Client connections the app held to the database, sampled from pg_stat_activity over the load run (database cells only). */
export const DbConnectionsSchema = z.object({ peak: z.number().int().min(0), mean: z.number().min(0), samples: z.number().int().min(0) });

/** Backends of the app in one state: the mean count per sample, and the share of samples that saw at least one. */
const StateSchema = z.object({ mean: z.number().min(0), seenShare: z.number().min(0).max(1) });

/**
 * What the app's database backends were doing over one measured window (db/activity.ts):
 * pg_stat_activity sampled at the connection count's cadence, each backend of the app put in
 * one state. Absent in results from before it, and on cells that reach no database.
 */
export const DbWaitsSchema = z.object({
  samples: z.number().int().min(0),
  /** Every backend of the app, idle ones too. */
  total: StateSchema,
  /** Running a statement (state `active`), whatever it waits on. */
  active: StateSchema,
  /** Active and waiting on a heavyweight lock (wait_event_type `Lock`: transactionid, tuple, relation ...). */
  lock: StateSchema,
  /** Active and waiting on the WAL flush of a commit (IO WALSync/WALWrite/WALInitSync, LWLock WALWrite, IPC SyncRep). */
  commit: StateSchema,
  /** Active with no wait event: on CPU in the database. */
  onCpu: StateSchema,
  /** Inside a transaction between statements (`idle in transaction`, aborted or not). */
  idleInTransaction: StateSchema,
});
export type DbWaits = z.infer<typeof DbWaitsSchema>;
