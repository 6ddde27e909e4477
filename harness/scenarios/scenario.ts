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

/**
 * A swept parameter (db-cpu's work, big-result's rows, hot-rows' k): when present, the scenario
 * is measured once per value, each as its own scenario instance (`db-cpu-work2000`), and the
 * analysis reads them as one sweep (docs/scenarios.md, "Swept scenarios").
 */
const sweep = z.array(z.number().int().min(1)).min(2).optional();

/** scenarios/<name>.json. `path` may use {queries}, {dbLatencyMs}, {work}, {rows} and {k}. */
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
      kind: z.literal('db-cpu'),
      path: z.string().includes('{work}'),
      /** Rows the database generates and aggregates per request: its CPU cost (docs/scenarios.md). */
      work: z.number().int().min(1).max(1_000_000),
      /** Values of work measured, ascending (the database's cost grows with it). */
      sweep,
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('big-result'),
      path: z.string().includes('{rows}'),
      /** Rows one query returns, each serialised into the JSON response (1..10,000: the world table). */
      rows: z.number().int().min(1).max(10_000),
      /** Values of rows measured, ascending. */
      sweep,
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('hot-rows'),
      path: z.string().includes('{k}'),
      /** Hot rows the increments spread over (1..1,000): fewer rows, longer lock waits. */
      k: z.number().int().min(1).max(1_000),
      /** Values of k measured, descending (contention grows as k shrinks). */
      sweep,
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

/** Reading order of the tables: no database, one query (one row, a page of rows, a large result), many, many with writes, contended writes, then the database's CPU and the slow database. */
export const KIND_ORDER = ['plaintext', 'json', 'db', 'fortunes', 'big-result', 'queries', 'updates', 'hot-rows', 'db-cpu', 'slow-db'] as const;

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
    const bad = sweepOutOfRange(parsed.data);
    if (bad !== undefined) {
      throw new BenchError(
        'CONFIG',
        `scenario '${parsed.data.name}' in ${full}: sweep value ${bad} is out of range (${sweepRange(parsed.data.kind)}); mend the file's sweep`,
      );
    }
    if (`${parsed.data.name}.json` !== file) {
      throw new BenchError('CONFIG', `scenario '${parsed.data.name}' in ${full}: name must match the file name`);
    }
    scenarios.push(parsed.data);
  }
  return scenarios.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
}

const RANGES: Partial<Record<ScenarioKind, [number, number]>> = { 'db-cpu': [1, 1_000_000], 'big-result': [1, 10_000], 'hot-rows': [1, 1_000] };
const sweepRange = (kind: ScenarioKind) => {
  const r = RANGES[kind];
  return r ? `${sweepParamOf(kind)} ${r[0]}..${r[1]}` : 'no sweep';
};

/** Pure: the first sweep value outside its parameter's range, if any. */
export function sweepOutOfRange(scenario: Scenario): number | undefined {
  const range = RANGES[scenario.kind];
  if (!range || !('sweep' in scenario) || !scenario.sweep) return undefined;
  return scenario.sweep.find((v) => v < range[0] || v > range[1]);
}

/** The swept parameter of a kind, as the path and the instance names spell it. */
export type SweepParam = 'work' | 'rows' | 'k';

/** One measured instance of a scenario: the scenario itself, or one value of its sweep. */
export interface ScenarioInstance {
  /** The cells' scenario name: the file's name, or `<name>-<param><value>` for one value of a sweep. */
  name: string;
  scenario: Scenario;
  /** The parameter's value in this instance (absent for kinds without one). */
  param?: { name: SweepParam; value: number } | undefined;
  /** Set when the instance is one value of the scenario's sweep. */
  sweepOf?: string | undefined;
}

/** Pure: the swept parameter of a scenario kind, if it has one. */
export function sweepParamOf(kind: ScenarioKind): SweepParam | undefined {
  return kind === 'db-cpu' ? 'work' : kind === 'big-result' ? 'rows' : kind === 'hot-rows' ? 'k' : undefined;
}

/** Pure: the instances a scenario is measured as: one per sweep value, or the scenario alone. */
export function scenarioInstances(scenario: Scenario): ScenarioInstance[] {
  switch (scenario.kind) {
    case 'db-cpu':
    case 'big-result':
    case 'hot-rows': {
      const name = sweepParamOf(scenario.kind)!;
      const single = scenario.kind === 'db-cpu' ? scenario.work : scenario.kind === 'big-result' ? scenario.rows : scenario.k;
      if (!scenario.sweep) return [{ name: scenario.name, scenario, param: { name, value: single } }];
      return scenario.sweep.map((value) => ({ name: `${scenario.name}-${name}${value}`, scenario, param: { name, value }, sweepOf: scenario.name }));
    }
    default:
      return [{ name: scenario.name, scenario }];
  }
}

/** The request path for one cell; `param` is the instance's value of work, rows or k. */
export function scenarioPath(scenario: Scenario, dbLatencyMs: number | undefined, param?: number): string {
  switch (scenario.kind) {
    case 'db-cpu':
      return scenario.path.replace('{work}', String(param ?? scenario.work));
    case 'big-result':
      return scenario.path.replace('{rows}', String(param ?? scenario.rows));
    case 'hot-rows':
      return scenario.path.replace('{k}', String(param ?? scenario.k));
    case 'queries':
    case 'updates':
      return scenario.path.replace('{queries}', String(scenario.queries));
    case 'slow-db':
      return scenario.path.replace('{dbLatencyMs}', String(dbLatencyMs ?? scenario.dbLatencyMs));
    default:
      return scenario.path;
  }
}
