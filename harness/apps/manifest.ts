import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BenchError } from '../errors.ts';
import type { PythonInfo } from '../python/discover.ts';
import { formatZodError } from '../zod-format.ts';

export const SERVER_KINDS = ['gunicorn-gthread', 'uvicorn', 'django-bolt', 'granian'] as const;

/**
 * How an app's statements reach PostgreSQL (see docs/fairness.md):
 * - `simple`: one Query message with the parameters inlined as literals; parsed and planned every time
 *   (psycopg 3's client-side binding, Django's default);
 * - `extended`: Parse/Bind/Execute with parameters sent apart, an unnamed statement parsed every time;
 * - `prepared`: a named statement parsed once per connection and then only bound and executed
 *   (asyncpg always; psycopg 3 after its prepare_threshold).
 */
export const STATEMENT_PROTOCOLS = ['simple', 'extended', 'prepared'] as const;
export type StatementProtocol = (typeof STATEMENT_PROTOCOLS)[number];

/** What an app's database access costs besides the framework: TechEmpower's Raw / ORM split and more. */
export const DataAccessSchema = z
  .object({
    /** `orm`: rows come through an object mapper; `raw`: the app writes SQL to a driver. */
    kind: z.enum(['orm', 'raw']),
    /** The database driver and, for an ORM, the mapper, e.g. 'Django ORM on psycopg 3'. */
    driver: z.string().min(1),
    /** The statement protocol the app's queries use on the wire (verified, see docs/fairness.md). */
    protocol: z.enum(STATEMENT_PROTOCOLS),
    /** What turns the response into JSON bytes, e.g. 'stdlib json', 'msgspec'. */
    serializer: z.string().min(1),
  })
  .strict();

export type DataAccess = z.infer<typeof DataAccessSchema>;

/** TechEmpower's label for the kind of data access. */
export function dataAccessLabel(access: Pick<DataAccess, 'kind'>): 'ORM' | 'Raw' {
  return access.kind === 'orm' ? 'ORM' : 'Raw';
}

/** One line for footnotes: `ORM: Django ORM on psycopg 3, simple protocol, stdlib json`. */
export function describeDataAccess(access: DataAccess): string {
  return `${dataAccessLabel(access)}: ${access.driver}, ${access.protocol} protocol, ${access.serializer}`;
}

/** The stack in a few words, for `crossover list`: `uvicorn, SQLAlchemy 2 async ORM on asyncpg`. */
export function describeStack(app: Pick<AppManifest, 'server' | 'dataAccess'>): string {
  return `${app.server}, ${app.dataAccess.driver}`;
}

/** apps/<name>/manifest.json: how the harness starts one app. */
export const AppManifestSchema = z
  .object({
    /** Equals the app's folder name; this is the name used on the command line. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /**
     * A variant: the same framework as the app named here, on another stack (server, driver, ORM).
     * Variants run only when asked for by name or with `<base>+` (harness/apps/catalog.ts, docs/variants.md).
     */
    variantOf: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional(),
    /**
     * false: a base app that the quick profile's default run leaves out (it runs when named, and
     * in the standard and full profiles, which take every app). Absent: true for a base app.
     * A variant never runs in the quick default, so it need not say so.
     */
    defaultRun: z.boolean().optional(),
    displayName: z.string().min(1),
    /** Decides the worker rule (see workers.ts). */
    server: z.enum(SERVER_KINDS),
    model: z.enum(['sync', 'async']),
    /** argv; command[0] comes from the app's virtualenv bin/. Placeholders: {port} {host} (the address to bind, --app-host) {workers} {threads} {poolSize}. */
    command: z.array(z.string().min(1)).min(1),
    env: z.record(z.string(), z.string()).default({}),
    /** What bounds in-flight requests per worker process: gthread threads or the DB pool. */
    concurrencyLimit: z.enum(['threads', 'pool']),
    /**
     * The oldest Python (`3.N`) its pinned requirements install on: the highest `Requires-Python`
     * among them, which pip enforces. A run's apps share one interpreter, so a run needs the
     * highest of its apps' (harness/python/discover.ts).
     */
    requiresPython: z.string().regex(/^3\.\d+$/, 'must be a Python version like "3.12"'),
    /** Key packages whose versions the results name. */
    packages: z.array(z.string()).min(1),
    /** How it reads the database and writes JSON, so no ORM is compared to a raw driver unsaid. */
    dataAccess: DataAccessSchema,
  })
  .strict();

export type AppManifest = z.infer<typeof AppManifestSchema>;

/** A manifest together with where its app lives. */
export interface AppDefinition extends AppManifest {
  dir: string;
  requirementsPath: string;
  /** --python a,b (python/interpreters.ts): the interpreter this copy of the app runs; absent: the run's one. */
  python?: PythonInfo | undefined;
  /** --python a,b: the app folder this copy comes from (its name carries the interpreter). */
  interpreterOf?: string | undefined;
}

export async function loadApp(appsDir: string, name: string): Promise<AppDefinition> {
  const dir = path.join(appsDir, name);
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new BenchError('CONFIG', `app '${name}': cannot read ${file}`, { cause, hint: 'each app folder needs a manifest.json' });
  }
  const parsed = AppManifestSchema.safeParse(raw);
  if (!parsed.success) throw new BenchError('CONFIG', `app '${name}' in ${file}: ${formatZodError(parsed.error)}`);
  if (parsed.data.name !== name) {
    throw new BenchError('CONFIG', `app '${name}' in ${file}: name must equal the folder name (got '${parsed.data.name}')`);
  }
  return { ...parsed.data, dir, requirementsPath: path.join(dir, 'requirements.txt') };
}

/** Table order: the sync stacks, then the async ones; apps added later follow alphabetically. */
const TABLE_ORDER = ['django', 'drf', 'flask', 'fastapi', 'starlette', 'django-bolt'];

export async function listAppNames(appsDir: string): Promise<string[]> {
  const entries = await readdir(appsDir, { withFileTypes: true });
  const rank = (name: string) => (TABLE_ORDER.includes(name) ? TABLE_ORDER.indexOf(name) : TABLE_ORDER.length);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
