import type { DbWaits } from '../results/db-waits-schema.ts';
import { type ConnectionCounts, summarizeCounts } from '../verify/connections.ts';
import { pollDatabase } from './poll.ts';

/** One look at pg_stat_activity: how many of the app's backends were in each state. */
export interface ActivitySample {
  total: number;
  active: number;
  lock: number;
  commit: number;
  onCpu: number;
  idleInTransaction: number;
}
const STATES = ['total', 'active', 'lock', 'commit', 'onCpu', 'idleInTransaction'] as const;

/**
 * Waits that are a commit waiting for its WAL to reach disk (or a synchronous standby):
 * the backend's own fsync or write of WAL, the lock held by whoever writes it, the standby's
 * acknowledgement. `WALWriteLock` is the LWLock's name before PostgreSQL 13.
 */
const COMMIT_WAIT_SQL = `(wait_event_type = 'IO' AND wait_event IN ('WALSync', 'WALWrite', 'WALInitSync'))
    OR (wait_event_type = 'LWLock' AND wait_event IN ('WALWrite', 'WALWriteLock'))
    OR (wait_event_type = 'IPC' AND wait_event = 'SyncRep')`;

/** The app's own backends in pg_stat_activity: client backends of this database under its application_name ($1). */
export const APP_BACKENDS_WHERE = `backend_type = 'client backend' AND datname = current_database() AND application_name = $1`;

/**
 * The app's backends (named by its application_name, runtime/types.ts appConnectionName) in
 * each state, in one query: the connection count and the waits cost one round trip a sample.
 */
export const ACTIVITY_SQL = `SELECT count(*)::int AS total,
  count(*) FILTER (WHERE state = 'active')::int AS active,
  count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS lock,
  count(*) FILTER (WHERE state = 'active' AND (${COMMIT_WAIT_SQL}))::int AS commit,
  count(*) FILTER (WHERE state = 'active' AND wait_event_type IS NULL)::int AS "onCpu",
  count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS "idleInTransaction"
  FROM pg_stat_activity
  WHERE ${APP_BACKENDS_WHERE}`;

/** Pure: the samples of one window, as each state's mean backends and the share of samples that saw it. */
export function summarizeWaits(samples: readonly ActivitySample[]): DbWaits {
  const n = samples.length;
  const state = (key: (typeof STATES)[number]) => ({
    mean: n === 0 ? 0 : samples.reduce((s, x) => s + x[key], 0) / n,
    seenShare: n === 0 ? 0 : samples.filter((x) => x[key] > 0).length / n,
  });
  return { samples: n, ...(Object.fromEntries(STATES.map((k) => [k, state(k)])) as Omit<DbWaits, 'samples'>) };
}

/** Pure: the share of the app's active backends that waited on `state`, on average over the window; undefined when none was active. */
export function activeShare(waits: DbWaits, state: 'lock' | 'commit' | 'onCpu'): number | undefined {
  return waits.active.mean > 0 ? waits[state].mean / waits.active.mean : undefined;
}

/** What the sampler saw: the connection count over the whole run, the waits over the measured window. */
export interface ActivityCounts extends ConnectionCounts {
  waits?: DbWaits | undefined;
}

/** A running sampler: `measureStart` starts the waits' window afresh (warm-up left out); `stop` ends it. */
export interface ActivitySampler {
  measureStart?(): void;
  stop(): Promise<ActivityCounts>;
}

/**
 * Samples the app's backends every `intervalMs` over one connection of its own (named
 * crossover-bench-probe, so not counted) until `stop`: the connection count (the cap is
 * proven over the whole run, warm-up too) and the states of ActivitySample (from
 * `measureStart` on). A failed sample makes `stop` reject: a count that was not taken must
 * not read as a count within the cap.
 */
export function startActivitySampler(url: string, intervalMs: number, appConnectionName: string): ActivitySampler {
  const counts: number[] = [];
  let window: ActivitySample[] = [];
  const poll = pollDatabase(url, intervalMs, 'sampling pg_stat_activity', async (client) => {
    const row = (await client.query(ACTIVITY_SQL, [appConnectionName])).rows[0] as Record<string, unknown>;
    const sample = Object.fromEntries(STATES.map((k) => [k, Number(row[k])])) as unknown as ActivitySample;
    counts.push(sample.total);
    window.push(sample);
  });
  return {
    measureStart() {
      window = [];
    },
    async stop() {
      await poll.stop();
      return { ...summarizeCounts(counts), waits: summarizeWaits(window) };
    },
  };
}
