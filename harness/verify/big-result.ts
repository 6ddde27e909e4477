/**
 * Verification of `big-result`: each request reads the first `rows` rows of world in one query.
 * Every response must hold exactly the asked number of rows (clamped to 1..10,000), ids 1..N
 * in order, each with the randomnumber the database holds (read on the harness's own
 * connection); where pg_stat_statements is loaded, each response must come from exactly one
 * query on world, and those queries must have read every row served.
 */
import { checkHeaders, checkRow, WORLD_MAX_ID } from './checks.ts';
import type { EndpointVerification } from './db-cpu.ts';
import type { SweptProbes } from './swept-probes.ts';
import type { StatementTotals } from './verify.ts';

/** How `rows` must be clamped (missing, below 1 or not a number -> 1), and two sizes besides the cell's own; 10,001 -> 10,000 is the one full table read. */
export const BIG_RESULT_CASES: { query: string; expected: number }[] = [
  { query: '?rows=1', expected: 1 },
  { query: '?rows=137', expected: 137 },
  { query: '', expected: 1 },
  { query: '?rows=0', expected: 1 },
  { query: '?rows=foo', expected: 1 },
  { query: `?rows=${WORLD_MAX_ID + 1}`, expected: WORLD_MAX_ID },
];

/** Pure: the requests of a big-result cell, the cell's own first, each with the rows it must return. */
export function bigResultRequests(path: string): { path: string; expected: number }[] {
  const [route, query = ''] = path.split('?') as [string, string?];
  const raw = Number(new URLSearchParams(query).get('rows'));
  const own = Number.isInteger(raw) ? Math.min(WORLD_MAX_ID, Math.max(1, raw)) : 1;
  return [{ path, expected: own }, ...BIG_RESULT_CASES.map((c) => ({ path: `${route}${c.query}`, expected: c.expected }))];
}

/** Pure: an array of exactly `expected` rows, ids 1..expected in order, each holding the database's value (when `values` is given). */
export function checkBigResultBody(body: string, expected: number, values?: ReadonlyMap<number, number>): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`body is not JSON: ${JSON.stringify(body.slice(0, 80))}`];
  }
  if (!Array.isArray(parsed)) return [`body is not a JSON array: ${body.slice(0, 80)}`];
  if (parsed.length !== expected) return [`got ${parsed.length} rows, expected ${expected}`];
  const shape = parsed.flatMap((row, i) => checkRow(row, `row ${i}`));
  if (shape.length > 0) return shape.slice(0, 3);
  const rows = parsed as { id: number; randomNumber: number }[];
  const outOfOrder = rows.findIndex((r, i) => r.id !== i + 1);
  if (outOfOrder >= 0) return [`row ${outOfOrder} has id ${rows[outOfOrder]!.id}, expected ${outOfOrder + 1}: the first rows of world in id order`];
  if (!values) return [];
  const wrong = rows.filter((r) => values.get(r.id) !== r.randomNumber);
  if (wrong.length === 0) return [];
  const examples = wrong
    .slice(0, 3)
    .map((r) => `id ${r.id}: returned ${r.randomNumber}, stored ${values.get(r.id) ?? '(no row)'}`)
    .join('; ');
  return [`${wrong.length} of ${rows.length} rows do not hold the database's randomnumber (${examples})`];
}

/** Pure: each response from exactly one query on world, which together read at least the rows served. */
export function bigResultStatementProblems(before: StatementTotals, after: StatementTotals, responses: number, rowsServed: number): string[] {
  const calls = after.calls - before.calls;
  const read = after.rows - before.rows;
  if (calls < responses)
    return [`${responses} big-result responses were served but the database ran only ${calls} queries on world; each response must read the table again`];
  if (calls > responses) return [`${responses} big-result responses took ${calls} queries on world; each response must be one query`];
  if (read < rowsServed) return [`${rowsServed} rows were served from ${calls} queries on world that read only ${read} rows`];
  return [];
}

export async function verifyBigResult(
  v: EndpointVerification,
  path: string,
  probes?: { swept?: SweptProbes | undefined; worldStatements?: (() => Promise<StatementTotals>) | undefined },
): Promise<void> {
  const { get, expect, checked, problems } = v;
  const before = await probes?.worldStatements?.();
  const values = await probes?.swept?.worldValues();
  const requests = bigResultRequests(path);
  let rowsServed = 0;
  for (const request of requests) {
    const res = await get(request.path);
    if (!res) return;
    const found = [...checkHeaders(res), ...checkBigResultBody(res.body, request.expected, values)];
    expect(request.path, found);
    if (found.length > 0) return;
    rowsServed += request.expected;
  }
  const sizes = requests.map((r) => r.expected).join(', ');
  checked.push(
    `big-result responses of ${sizes} rows: ids 1..N in order${values ? ", each holding the database's randomnumber (read on the harness's connection)" : ''}`,
  );
  if (probes?.worldStatements && before) {
    const after = await probes.worldStatements();
    checked.push(`${requests.length} responses, ${after.calls - before.calls} queries on world reading ${after.rows - before.rows} rows (pg_stat_statements)`);
    problems.push(...bigResultStatementProblems(before, after, requests.length, rowsServed));
  }
}
