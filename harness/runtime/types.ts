import path from 'node:path';
import type { AppDefinition } from '../apps/manifest.ts';
import { fillPlaceholders, type WorkerSettings } from '../apps/workers.ts';
import { BenchError } from '../errors.ts';
import type { CpuMemReading } from '../resources/proc.ts';

/** What the results record about how an app was built. */
export interface PreparedApp {
  app: AppDefinition;
  pythonVersion: string;
  /** `pip freeze` of the environment the app runs in, as name -> version. */
  packages: Record<string, string>;
  /** Local only: the virtualenv the app runs from. */
  envDir?: string | undefined;
  /** Docker only. */
  imageId?: string | undefined;
  baseImage?: string | undefined;
  /** Seconds spent preparing (0 when a cached venv or image was reused). */
  prepareS: number;
  cached: boolean;
}

export interface StartSpec {
  prepared: PreparedApp;
  port: number;
  settings: WorkerSettings;
  databaseUrl: string;
  cpus: number[];
  /** Goes into container labels and process titles, so leftovers can be traced to a run. */
  runId: string;
  /** The address the app is reached at (--app-host; docs/network.md); 127.0.0.1 when absent. */
  host?: string | undefined;
  /** The address it binds to ({host} in its manifest) when that differs, e.g. 0.0.0.0 on a remote engine's host network. */
  bindHost?: string | undefined;
  /** Local runtime only: the network namespace the app runs in (`ip netns exec`), standing in for a second host. */
  netns?: string | undefined;
}

/** Where apps bind and are reached when no --app-host is given. */
export const DEFAULT_APP_HOST = '127.0.0.1';

/** `http://host:port`, with IPv6 addresses in brackets. */
export function appBaseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Where to read the CPU time and memory of everything the app runs. */
export type ResourceTarget =
  | { kind: 'process-tree'; rootPid: number }
  | { kind: 'cgroup'; path: string }
  /** Read some other way, e.g. a remote Docker engine's stats API (harness/net/docker-engine.ts). */
  | { kind: 'reader'; read: () => Promise<CpuMemReading> };

export interface RunningApp {
  readonly baseUrl: string;
  readonly resourceTarget: ResourceTarget;
  /** Resolves when the app exits by itself (a crash); never rejects. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** The last lines the app wrote to stdout and stderr. */
  lastLogLines(count?: number): Promise<string[]>;
  /** Stops the app and everything it started; safe to call twice. */
  stop(): Promise<void>;
}

export interface Runtime {
  readonly kind: 'local' | 'docker';
  /** Builds the app's environment (venv or image), reusing a cached one when its inputs are unchanged. */
  prepare(app: AppDefinition, log: (line: string) => void): Promise<PreparedApp>;
  start(spec: StartSpec): Promise<RunningApp>;
  /** Stops anything still running that this runtime started. */
  close(): Promise<void>;
}

/** The app's argv and environment for one start, the same for every runtime. */
export function launchSpec(spec: StartSpec): { argv: string[]; env: Record<string, string> } {
  const host = spec.bindHost ?? spec.host ?? DEFAULT_APP_HOST;
  const values = { port: spec.port, host, ...spec.settings };
  const app = spec.prepared.app;
  // An app that binds a fixed address could not be reached anywhere else: say so before it starts.
  if (host !== DEFAULT_APP_HOST && ![...app.command, ...Object.values(app.env)].some((part) => part.includes('{host}'))) {
    throw new BenchError('APP_START', `${app.name}: --app-host ${host}, but its manifest command never uses {host}, so the app would bind elsewhere`, {
      hint: `put {host} where ${path.join(app.dir, 'manifest.json')} names the address to bind (e.g. "--bind", "{host}:{port}")`,
    });
  }
  const env: Record<string, string> = Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, fillPlaceholders(v, values)]));
  const connectionName = appConnectionName(app.name);
  Object.assign(env, {
    DATABASE_URL: withApplicationName(spec.databaseUrl, connectionName),
    // libpq's own default, for apps that build their connection from parts of the URL (Django's settings do).
    PGAPPNAME: connectionName,
    PORT: String(spec.port),
    HOST: host,
    WORKERS: String(spec.settings.workers),
    THREADS: String(spec.settings.threads),
    DB_POOL_SIZE: String(spec.settings.poolSize),
  });
  return { argv: app.command.map((part) => fillPlaceholders(part, values)), env };
}

/**
 * Every connection an app opens names the app (`application_name` in pg_stat_activity), so
 * the connections an app holds are counted as its own, whatever else is connected to the
 * database: the harness's probes, a neighbour app, another client of a server given by URL.
 */
export const APP_CONNECTION_PREFIX = 'crossover-app-';

/** `crossover-app-<name>`: PostgreSQL keeps 63 bytes of an application_name, far more than an app's name needs. */
export function appConnectionName(appName: string): string {
  return `${APP_CONNECTION_PREFIX}${appName}`;
}

/**
 * Pure: the database URL with `application_name` set in its query, for drivers that read it
 * from the URL (libpq's URI and asyncpg's DSN both do). One a --db URL carried is replaced:
 * the count of an app's connections goes by this name.
 */
export function withApplicationName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return url.toString();
}
