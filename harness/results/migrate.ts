import { BenchError } from '../errors.ts';
import { formatZodError } from '../zod-format.ts';
import { RESULTS_SCHEMA_VERSION, type Results, ResultsSchema } from './schema.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 1 -> 2: every database ceiling of version 1 was measured with `pgbench -M
 * prepared` (or node-postgres with named statements), so it gets `protocol: 'prepared'`.
 * Version 1 files carry no analysis and no data access; both stay absent (`report`
 * recomputes the analysis).
 */
function v1ToV2(raw: Json): Json {
  const ceilings = Array.isArray(raw.ceilings)
    ? raw.ceilings.map((c: unknown) => (isObject(c) && c.kind === 'database' && c.protocol === undefined ? { ...c, protocol: 'prepared' } : c))
    : raw.ceilings;
  const { analysis: _dropped, ...rest } = raw;
  return { ...rest, ceilings, schemaVersion: 2 };
}

/** Pure: a parsed results.json upgraded to the current version's shape, not yet validated (older versions only; anything else is returned as it is). */
export function upgradeResults(raw: unknown): unknown {
  return isObject(raw) && raw.schemaVersion === 1 ? v1ToV2(raw) : raw;
}

/**
 * Pure: a results.json of any version this tool has written, parsed and upgraded to the
 * current schema. `where` names the file in messages.
 */
export function migrateResults(raw: unknown, where = 'results.json'): Results {
  if (!isObject(raw)) throw new BenchError('RESULTS', `${where} is not a JSON object`, { hint: 'pass a run directory written by `crossover run`' });
  let current: Json = raw;
  const version = current.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new BenchError('RESULTS', `${where}: schemaVersion must be an integer >= 1 (got ${JSON.stringify(version)})`, {
      hint: 'pass a run directory written by `crossover run`',
    });
  }
  if (version > RESULTS_SCHEMA_VERSION) {
    throw new BenchError('RESULTS', `${where} has schemaVersion ${version}; this crossover-bench reads up to ${RESULTS_SCHEMA_VERSION}`, {
      hint: 'update crossover-bench to read results written by a newer version',
    });
  }
  if (version === 1) current = v1ToV2(current);
  const parsed = ResultsSchema.safeParse(current);
  if (!parsed.success) throw new BenchError('RESULTS', `${where} fails the results schema (version ${version}): ${formatZodError(parsed.error)}`);
  return parsed.data;
}
