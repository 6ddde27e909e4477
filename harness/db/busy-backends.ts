import pg from 'pg';
import { APP_BACKENDS_WHERE } from './activity.ts';
import { harnessConnectionString } from './app-name.ts';

/** The app's backends (by application_name) that are not idle: running a statement, waiting, or inside a transaction. */
export const BUSY_BACKENDS_SQL = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${APP_BACKENDS_WHERE} AND state <> 'idle'`;

/**
 * Waits, for at most `maxMs`, until none of the app's database backends is busy, over one probe
 * connection (crossover-bench-probe, so not counted as the app's). Resolves with whether it got
 * there; a database that cannot be reached resolves false at once (the caller goes on: the
 * wait is a courtesy to the next step, not a measurement).
 */
export async function waitForIdleBackends(url: string, appConnectionName: string, maxMs: number, stepMs = 50): Promise<{ idle: boolean; waitedMs: number }> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'probe'), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (;;) {
      const busy = (await client.query<{ n: number }>(BUSY_BACKENDS_SQL, [appConnectionName])).rows[0]?.n ?? 0;
      const waitedMs = performance.now() - started;
      if (busy === 0) return { idle: true, waitedMs };
      if (waitedMs >= maxMs) return { idle: false, waitedMs };
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
  } catch {
    return { idle: false, waitedMs: performance.now() - started };
  } finally {
    await client.end().catch(() => undefined);
  }
}
