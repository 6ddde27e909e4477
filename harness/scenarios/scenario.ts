import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PROFILE_NAMES, type ProfileName } from '../config/profiles.ts';
import { BenchError } from '../errors.ts';
import { formatZodError } from '../zod-format.ts';

const base = {
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  description: z.string().min(1),
  /** The profiles whose runs take this scenario when --scenarios names none; absent: every profile. --scenarios may name it in any. */
  profiles: z
    .array(z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]))
    .min(1)
    .optional(),
  /** HTTP requests the load generator keeps in flight per connection (autocannon's `pipelining`); absent: 1, no pipelining. */
  pipelining: z.number().int().min(1).max(256).optional(),
};

/** scenarios/<name>.json. `path` may use {queries} and {dbLatencyMs}. */
export const ScenarioSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('json'), path: z.string().startsWith('/') }).strict(),
  z.object({ ...base, kind: z.literal('db'), path: z.string().startsWith('/') }).strict(),
  /** TechEmpower's plaintext: `Hello, World!` as text/plain, measured with pipelining as TechEmpower does (docs/scenarios.md). */
  z.object({ ...base, kind: z.literal('plaintext'), path: z.string().startsWith('/') }).strict(),
  /** TechEmpower's fortunes: every row of `fortune`, one added in memory, sorted, rendered as an HTML table (docs/scenarios.md). */
  z.object({ ...base, kind: z.literal('fortunes'), path: z.string().startsWith('/') }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('queries'),
      path: z.string().includes('{queries}'),
      /** Queries per request; the contract clamps to 1..500. */
      queries: z.number().int().min(1).max(500),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('updates'),
      path: z.string().includes('{queries}'),
      /** Rows read and updated per request; the contract clamps to 1..500 as for queries. */
      queries: z.number().int().min(1).max(500),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('slow-db'),
      path: z.string().includes('{dbLatencyMs}'),
      /** The latency used when a configuration names none (profiles sweep their own list). */
      dbLatencyMs: z.number().int().min(0).max(10_000),
    })
    .strict(),
]);

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioKind = Scenario['kind'];

/** Reading order of the tables: no database, one query (one row, then a page of rows), many, many with writes, then the slow database. */
const KIND_ORDER: Scenario['kind'][] = ['plaintext', 'json', 'db', 'fortunes', 'queries', 'updates', 'slow-db'];

/** Kinds whose requests never reach the database: no database ceiling, connection count or round trip applies. */
const NO_DATABASE: ReadonlySet<ScenarioKind> = new Set(['json', 'plaintext']);

/** Pure: does a request of this kind reach the database? */
export function usesDatabase(kind: ScenarioKind): boolean {
  return !NO_DATABASE.has(kind);
}

/** Pure: the scenarios limited to some profiles, with those profiles (config/options.ts KnownNames). */
export function scenarioProfiles(scenarios: readonly Scenario[]): Record<string, ProfileName[]> {
  return Object.fromEntries(scenarios.flatMap((s) => (s.profiles ? [[s.name, [...s.profiles]]] : [])));
}

export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(full, 'utf8'));
    } catch (cause) {
      throw new BenchError('CONFIG', `scenario file ${full} is not valid JSON`, { cause });
    }
    const parsed = ScenarioSchema.safeParse(raw);
    if (!parsed.success) {
      const name = (raw as { name?: unknown })?.name ?? file;
      throw new BenchError('CONFIG', `scenario '${String(name)}' in ${full}: ${formatZodError(parsed.error)}`);
    }
    if (`${parsed.data.name}.json` !== file) {
      throw new BenchError('CONFIG', `scenario '${parsed.data.name}' in ${full}: name must match the file name`);
    }
    scenarios.push(parsed.data);
  }
  return scenarios.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
}

/** The request path for one cell. */
export function scenarioPath(scenario: Scenario, dbLatencyMs: number | undefined): string {
  switch (scenario.kind) {
    case 'queries':
    case 'updates':
      return scenario.path.replace('{queries}', String(scenario.queries));
    case 'slow-db':
      return scenario.path.replace('{dbLatencyMs}', String(dbLatencyMs ?? scenario.dbLatencyMs));
    default:
      return scenario.path;
  }
}
