import type { AppManifest } from './manifest.ts';

/** The numbers an app is started with; all of them are written into the results. */
export interface WorkerSettings {
  /** Server processes. */
  workers: number;
  /** Threads per worker process (gthread); 1 for event-loop servers. */
  threads: number;
  /** Database connections each worker process may hold. */
  poolSize: number;
  /** workers x poolSize: the same cap for every app. */
  connectionCap: number;
  /** In-flight requests the app can hold at once; the Little's-law bound uses it. */
  concurrencyLimit: number;
}

/** Servers whose worker runs requests on threads, each holding at most one database connection. */
const THREADED_SERVERS: readonly AppManifest['server'][] = ['gunicorn-gthread', 'django-bolt', 'granian'];

/**
 * One rule per server type, so no framework gets hand-tuned settings:
 * - gunicorn gthread: one worker per core (docs/measured-facts.md#shared-core-workers: on a shared core more
 *   workers lowered Flask /db from 2.3k to 1.6k requests/s), threads share the
 *   connection cap, one persistent connection per thread.
 * - uvicorn and django-bolt: one process per core, as their docs advise for CPU-bound
 *   serving; the connection cap is split between processes.
 * - granian (WSGI): gunicorn gthread's rule, since it serves the same sync apps: one worker
 *   process per core, cap / workers blocking threads per worker (each runs one request at a time
 *   and holds at most one connection of a pool of the same size), and one Rust runtime thread in
 *   single-threaded mode (the manifest's `--runtime-threads 1 --runtime-mode st`: with one core
 *   per worker, more I/O threads only contend with the Python threads). docs/variants.md.
 * - granian (ASGI, an app whose `model` is async): uvicorn's rule, since it serves the same async
 *   apps: one worker process per core, one event loop on one blocking thread per worker (Granian
 *   refuses more than one for ASGI), and the connection cap split between the workers' pools.
 */
export function workerSettings(
  manifest: Pick<AppManifest, 'server' | 'concurrencyLimit'> & { model?: AppManifest['model'] | undefined },
  cores: number,
  connectionCap: number,
): WorkerSettings {
  const workers = Math.max(1, cores);
  const perWorker = Math.max(1, Math.floor(connectionCap / workers));
  const eventLoop = manifest.server === 'granian' && manifest.model === 'async';
  const threads = THREADED_SERVERS.includes(manifest.server) && !eventLoop ? perWorker : 1;
  return {
    workers,
    threads,
    poolSize: perWorker,
    connectionCap: workers * perWorker,
    concurrencyLimit: workers * (manifest.concurrencyLimit === 'threads' ? threads : perWorker),
  };
}

/** Fills {port} {workers} {threads} {poolSize} in a manifest string; a value not given stays a placeholder. */
export function fillPlaceholders(template: string, values: { port?: number | undefined; host?: string | undefined } & WorkerSettings): string {
  return template.replace(/\{(port|host|workers|threads|poolSize)\}/g, (whole, key: 'port' | 'host' | 'workers' | 'threads' | 'poolSize') => {
    const value = values[key];
    return value === undefined ? whole : String(value);
  });
}
