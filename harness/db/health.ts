import pg from 'pg';
import { errorLine } from '../errors.ts';
import { harnessConnectionString } from './app-name.ts';
import type { Database, DatabaseExit } from './types.ts';

/**
 * One check a second: a dead database is then found within about two seconds (a refused
 * connection fails at once), far sooner than the minute a stuck measurement would take.
 */
export const HEALTH_INTERVAL_MS = 1000;
/**
 * A check waits this long for `SELECT 1`; two failures in a row mean dead. Under full load on
 * a shared core PostgreSQL still answers a trivial query in milliseconds, so three seconds,
 * twice, only passes for a server that stopped answering.
 */
export const HEALTH_TIMEOUT_MS = 3000;
export const HEALTH_FAILURES = 2;

/** A watch on a database: `exited` resolves when `check` says it is dead; stop() ends the watch without resolving. */
export interface HealthWatch {
  exited: Promise<DatabaseExit>;
  stop(): void;
}

/**
 * Polls `check` (rejects or returns a reason when dead) every HEALTH_INTERVAL_MS; after
 * `failures` deaths in a row, resolves `exited`. The timer never keeps the process alive.
 */
export function watchHealth(check: () => Promise<DatabaseExit | undefined>, failures = HEALTH_FAILURES, intervalMs = HEALTH_INTERVAL_MS): HealthWatch {
  let resolve!: (exit: DatabaseExit) => void;
  const exited = new Promise<DatabaseExit>((r) => (resolve = r));
  let stopped = false;
  let busy = false;
  let inARow = 0;
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    void check()
      .catch((error: unknown): DatabaseExit => ({ reason: errorLine(error), logLines: [] }))
      .then((exit) => {
        busy = false;
        inARow = exit ? inARow + 1 : 0;
        if (exit && inARow >= failures && !stopped) {
          stopped = true;
          clearInterval(timer);
          resolve(exit);
        }
      });
  }, intervalMs);
  timer.unref();
  return {
    exited,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/**
 * `SELECT 1` over one kept connection (reconnecting after an error), for databases the harness
 * cannot watch by pid. The connection stays open through every cell, so it carries the
 * harness's application_name: counted as the app's, it put an app at its cap one over (docs/fairness.md).
 */
export function watchBySelect(url: string): HealthWatch {
  let client: pg.Client | undefined;
  const drop = () => {
    void client?.end().catch(() => undefined);
    client = undefined;
  };
  const check = async (): Promise<DatabaseExit | undefined> => {
    try {
      if (!client) {
        const fresh = new pg.Client({
          connectionString: harnessConnectionString(url, 'health'),
          connectionTimeoutMillis: HEALTH_TIMEOUT_MS,
          query_timeout: HEALTH_TIMEOUT_MS,
        });
        // A server that dies emits 'error' on idle clients; the next check sees it.
        fresh.on('error', () => undefined);
        client = fresh;
        await fresh.connect();
      }
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      drop();
      return { reason: `SELECT 1 failed: ${errorLine(error)}`, logLines: [] };
    }
  };
  const watch = watchHealth(check);
  return {
    exited: watch.exited,
    stop() {
      watch.stop();
      drop();
    },
  };
}

/** A database the harness did not start (`--db postgres://...`): never stopped, watched with `SELECT 1`. */
export function urlDatabase(url: string): Database {
  const watch = watchBySelect(url);
  return {
    kind: 'url',
    url,
    version: '',
    exited: watch.exited,
    stop: async () => watch.stop(),
  };
}
