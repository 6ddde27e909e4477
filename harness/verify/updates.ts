/**
 * Verification of the `updates` test type (TechEmpower's "Database updates"): the response is
 * checked as for `queries` (shape, the 1..500 clamp), and the database is asked whether the
 * writes happened: every returned row holds the returned value when read back on the harness's
 * own connection (so it was committed), the values changed, every row was read by a query of
 * its own, and the UPDATE statements on world touched at least as many rows as were returned.
 */
import { checkHeaders, checkRowsBody, type ObservedResponse, QUERIES_CLAMP_CASES } from './checks.ts';
import type { StatementTotals } from './verify.ts';

/** The statements on `world` so far, reads and writes apart (pg_stat_statements). */
export interface WorldStatementsByVerb {
  select: StatementTotals;
  update: StatementTotals;
}

/** What the updates check asks the database (verify/update-probes.ts), all on the harness's own connections. */
export interface UpdateProbes {
  /** randomnumber of every row of world, read now: committed values only. */
  worldValues: () => Promise<Map<number, number>>;
  /** Reads and writes on world so far; absent when the server does not load pg_stat_statements. */
  statements?: (() => Promise<WorldStatementsByVerb>) | undefined;
  /**
   * Waits until pg_stat_user_tables counts at least `atLeast` more tuples updated in world than
   * `since` (or gives up) and returns the count: the fallback without pg_stat_statements.
   */
  tuplesUpdated?: ((since?: number, atLeast?: number) => Promise<number>) | undefined;
}

/** A returned row: the id and the value the app says it wrote. */
export interface WorldRow {
  id: number;
  randomNumber: number;
}

/** `UPDATE ...` (after any leading comment or parenthesis): a write; `SELECT`/`WITH`: a read; anything else neither. */
export function statementVerb(query: string): 'select' | 'update' | undefined {
  const first = /^[\s(]*(?:\/\*.*?\*\/\s*)*(\w+)/s.exec(query)?.[1]?.toLowerCase();
  if (first === 'update') return 'update';
  if (first === 'select' || first === 'with') return 'select';
  return undefined;
}

/** Each returned id with the last value returned for it: the one that must be stored. */
function lastReturned(rows: readonly WorldRow[]): Map<number, number> {
  return new Map(rows.map((r) => [r.id, r.randomNumber]));
}

/**
 * Pure: what the read-back shows for one response. `before` and `after` are world as the
 * harness read it just before the request and just after the answer. A value the app returned
 * must be the value stored (a write that was not committed, or went to another row, reads
 * back as something else), and the rows must have changed: a new random value equals the old
 * one once in 10,000, so a few coincidences are allowed, none beyond.
 */
export function readBackProblems(rows: readonly WorldRow[], before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): string[] {
  const returned = lastReturned(rows);
  const problems: string[] = [];
  const mismatched = [...returned].filter(([id, value]) => after.get(id) !== value);
  if (mismatched.length > 0) {
    const examples = mismatched
      .slice(0, 3)
      .map(([id, value]) => `id ${id}: returned ${value}, stored ${after.get(id) ?? '(no row)'}`)
      .join('; ');
    problems.push(
      `${mismatched.length} of ${returned.size} returned rows do not hold the returned value when read back on another connection (${examples}); each update must be written and committed before the response`,
    );
  }
  // Rows stored as returned but no different from before: the app wrote (or returned) the old values.
  const unchanged = [...returned].filter(([id, value]) => after.get(id) === value && before.get(id) === value).length;
  if (unchanged > allowedCoincidences(returned.size)) {
    problems.push(`${unchanged} of ${returned.size} returned rows kept their old randomNumber; each must get a new random value`);
  }
  return problems;
}

/** Rows whose new random value may equal the old one by chance (probability 1/10,000 each). */
export function allowedCoincidences(rows: number): number {
  return 1 + Math.floor(rows / 100);
}

/** Pure: the reads and writes on world between two readings, against the rows served and the distinct rows written. */
export function statementProblems(before: WorldStatementsByVerb, after: WorldStatementsByVerb, rowsServed: number, rowsWritten: number): string[] {
  const reads = after.select.calls - before.select.calls;
  const readRows = after.select.rows - before.select.rows;
  const writes = after.update.calls - before.update.calls;
  const written = after.update.rows - before.update.rows;
  const problems: string[] = [];
  if (reads < rowsServed)
    problems.push(`${rowsServed} rows were served but the database ran only ${reads} SELECTs on world; each row must be read by a query of its own`);
  else if (readRows < rowsServed) problems.push(`${rowsServed} rows were served but the SELECTs on world read only ${readRows} rows`);
  if (written < rowsWritten) {
    problems.push(`${rowsWritten} distinct rows were returned with a new value but the UPDATEs on world (${writes} calls) changed only ${written} rows`);
  }
  return problems;
}

/**
 * Pure: the distinct rows a response says it changed. A row whose returned value equals the
 * value it held before the request (`before`, once in 10,000 by chance) needs no write: an ORM's
 * unit of work (SQLAlchemy's) leaves an unchanged attribute out of the UPDATE, so the statement
 * count must not ask for it. Without `before`, every distinct returned row counts.
 */
export function changedRows(rows: readonly WorldRow[], before?: ReadonlyMap<number, number>): number {
  const returned = lastReturned(rows);
  if (!before) return returned.size;
  return [...returned].filter(([id, value]) => before.get(id) !== value).length;
}

/** How one updates cell is verified; `get` and `expect` are verifyCell's. */
export interface UpdatesVerification {
  get: (path: string) => Promise<ObservedResponse | undefined>;
  expect: (path: string, found: string[]) => void;
  checked: string[];
  problems: string[];
}

/** The requests of an updates cell: the cell's own, then the clamp cases of `queries`. */
export function updatesRequests(path: string, queries: number): { path: string; expected: number }[] {
  const route = path.split('?')[0]!;
  return [{ path, expected: queries }, ...QUERIES_CLAMP_CASES.map((c) => ({ path: `${route}${c.query}`, expected: c.expected }))];
}

/** Verifies an `updates` cell; with `probes`, also that the writes reached the database and were committed. */
export async function verifyUpdates(v: UpdatesVerification, cell: { path: string; queries?: number | undefined }, probes?: UpdateProbes): Promise<void> {
  const { get, expect, checked, problems } = v;
  const statementsBefore = await probes?.statements?.();
  const tuplesBefore = probes?.statements ? undefined : await probes?.tuplesUpdated?.();
  let values = await probes?.worldValues();
  let rowsServed = 0;
  let rowsWritten = 0;
  for (const request of updatesRequests(cell.path, cell.queries ?? 1)) {
    const res = await get(request.path);
    if (!res) return;
    const found = [...checkHeaders(res), ...checkRowsBody(res.body, request.expected)];
    expect(request.path, found);
    if (found.length > 0) return;
    const rows = JSON.parse(res.body) as WorldRow[];
    rowsServed += rows.length;
    rowsWritten += changedRows(rows, values);
    if (probes && values) {
      const after = await probes.worldValues();
      const readBack = readBackProblems(rows, values, after);
      checked.push(`${request.path}: the ${rows.length} returned rows hold the returned values, read back on the harness's connection, and changed`);
      problems.push(...readBack.map((p) => `GET ${request.path}: ${p}`));
      if (readBack.length > 0) return;
      values = after;
    }
  }
  if (problems.length > 0) return;
  if (probes?.statements && statementsBefore) {
    const after = await probes.statements();
    checked.push(
      `${rowsServed} rows from at least ${rowsServed} SELECTs on world, ${rowsWritten} distinct rows changed by UPDATEs on world (pg_stat_statements: ${after.update.calls - statementsBefore.update.calls} UPDATE calls, ${after.update.rows - statementsBefore.update.rows} rows; executemany counts one call per row, one batched statement one call)`,
    );
    problems.push(...statementProblems(statementsBefore, after, rowsServed, rowsWritten));
  } else if (probes?.tuplesUpdated && tuplesBefore !== undefined) {
    const updated = (await probes.tuplesUpdated(tuplesBefore, rowsWritten)) - tuplesBefore;
    checked.push(`${rowsWritten} distinct rows changed: ${updated} tuples updated in world (pg_stat_user_tables.n_tup_upd)`);
    if (updated < rowsWritten)
      problems.push(`${rowsWritten} distinct rows were returned with a new value but world counts only ${updated} tuples updated (pg_stat_user_tables)`);
  }
}
