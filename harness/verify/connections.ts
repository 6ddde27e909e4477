import { NOT_HARNESS_CONNECTION_SQL } from '../db/app-name.ts';
import { pollDatabase } from '../db/poll.ts';

/** Database connections seen over a sampled window. */
export interface ConnectionCounts {
  /** Most client connections to the benchmark database at any sample. */
  peak: number;
  mean: number;
  samples: number;
}

/** A running sampler; `stop` ends it and returns what it saw. */
export interface ConnectionSampler {
  stop(): Promise<ConnectionCounts>;
}

/**
 * Client backends of the benchmark database, without the harness's own connections (the
 * health watch, probes, seeding, ceilings: all named crossover-bench-*, db/app-name.ts): what
 * the app under test holds when nothing else is connected. Kept for callers that know no
 * app name; a run counts by the app's name (APP_COUNT_SQL).
 */
export const COUNT_SQL = `SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND datname = current_database()
    AND pid <> pg_backend_pid() AND ${NOT_HARNESS_CONNECTION_SQL}`;

/**
 * The connections of one app: every app connects under its own application_name
 * (runtime/types.ts appConnectionName), so idle neighbour apps, the harness's probes and
 * other clients of a shared server are not counted as its own.
 */
const APP_COUNT_SQL = `SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE backend_type = 'client backend' AND datname = current_database() AND application_name = $1`;

/**
 * An app that served database requests while none of its connections carried its name: its
 * connections cannot be counted, so the cap cannot be proven (a count of 0 would pass it).
 */
export function unnamedConnectionsProblem(counts: ConnectionCounts, appConnectionName: string | undefined, during: string): string[] {
  if (appConnectionName === undefined || counts.peak > 0) return [];
  return [
    `${during} no database connection named '${appConnectionName}' was seen in pg_stat_activity (${counts.samples} samples), so the app's connections cannot be counted; ` +
      'connect with the application_name of DATABASE_URL, or leave libpq its PGAPPNAME default',
  ];
}

export function summarizeCounts(samples: readonly number[]): ConnectionCounts {
  if (samples.length === 0) return { peak: 0, mean: 0, samples: 0 };
  return { peak: Math.max(...samples), mean: samples.reduce((a, b) => a + b, 0) / samples.length, samples: samples.length };
}

/**
 * What a connection count above the cap means, or nothing when it holds. The cap is the
 * worker rule's (workers x pool size): an app over it bought its throughput with connections
 * the others were denied.
 */
export function connectionCapProblems(counts: ConnectionCounts, connectionCap: number, during: string): string[] {
  if (counts.peak <= connectionCap) return [];
  return [
    `${during} the app held up to ${counts.peak} database connections (mean ${counts.mean.toFixed(1)} over ${counts.samples} samples of pg_stat_activity), ` +
      `above the cap of ${connectionCap}; size its pool or threads from DB_POOL_SIZE/THREADS so that workers x pool <= the cap`,
  ];
}

/**
 * Counts the benchmark database's client connections (those named `appConnectionName` when
 * given) every `intervalMs` over one connection of its own (excluded from the count) until `stop`. A failed sample makes
 * `stop` reject: a count that was not taken must not read as a count within the cap.
 */
export function startConnectionSampler(url: string, intervalMs: number, appConnectionName?: string): ConnectionSampler {
  const samples: number[] = [];
  const poll = pollDatabase(url, intervalMs, 'counting connections in pg_stat_activity', async (client) => {
    const result = appConnectionName === undefined ? await client.query(COUNT_SQL) : await client.query(APP_COUNT_SQL, [appConnectionName]);
    samples.push(Number((result.rows[0] as { n: number }).n));
  });
  return {
    async stop() {
      await poll.stop();
      return summarizeCounts(samples);
    },
  };
}
