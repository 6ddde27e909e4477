/**
 * Verification of `hot-rows`: each request adds exactly 1 to the counter of one random row among
 * the first k of hotrow, in a transaction of its own committed before the answer. One request at
 * a time, the counter the app returns must be the one stored, one more than before, and no other
 * row may change; then, under a burst of concurrent requests on three rows, the counters must
 * rise by exactly the number of successful answers (fewer: increments lost to a read-modify-write;
 * more: increments doubled), no answer may fail (a deadlock or serialization failure is a
 * failure), and no two answers may return the same counter for the same row.
 */
import { burst } from './burst.ts';
import { checkHeaders, type ObservedResponse } from './checks.ts';
import type { EndpointVerification } from './db-cpu.ts';
import type { SweptProbes } from './swept-probes.ts';

/** The contract's range of k (hotrow holds ids 1..1000). */
export const HOT_ROWS_MAX_K = 1_000;
/** Rows the concurrent burst spreads over: few, so the increments collide. */
export const HOT_ROWS_BURST_K = 3;
/** Concurrent clients of the burst when the connection cap is not known. */
export const HOT_ROWS_BURST_DEFAULT = 16;
const BURST_DURATION_MS = 1000;

/** How `k` must be clamped: missing, below 1 or not a number -> 1; above 1,000 -> 1,000. */
export const HOT_ROWS_CLAMP_CASES: { query: string; expected: number }[] = [
  { query: `?k=${HOT_ROWS_BURST_K}`, expected: HOT_ROWS_BURST_K },
  { query: '', expected: 1 },
  { query: '?k=0', expected: 1 },
  { query: '?k=foo', expected: 1 },
  { query: `?k=${HOT_ROWS_MAX_K + 1}`, expected: HOT_ROWS_MAX_K },
];

/** Pure: the single requests of a hot-rows cell, the cell's own first, each with the k its id must lie within. */
export function hotRowsRequests(path: string): { path: string; k: number }[] {
  const [route, query = ''] = path.split('?') as [string, string?];
  const raw = Number(new URLSearchParams(query).get('k'));
  const own = Number.isInteger(raw) ? Math.min(HOT_ROWS_MAX_K, Math.max(1, raw)) : 1;
  return [{ path, k: own }, ...HOT_ROWS_CLAMP_CASES.map((c) => ({ path: `${route}${c.query}`, k: c.expected }))];
}

/** A parsed answer: the row incremented and its counter after. */
export interface HotRow {
  id: number;
  counter: number;
}

/** Pure: a body of exactly `{"id": 1..k, "counter": integer}`; the row, or the problems. */
export function parseHotRow(body: string, k: number): { row: HotRow; problems: [] } | { row?: undefined; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { problems: [`body is not JSON: ${JSON.stringify(body.slice(0, 80))}`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [`body is not a JSON object: ${body.slice(0, 80)}`] };
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(v).filter((key) => key !== 'id' && key !== 'counter');
  if (extra.length > 0) problems.push(`body has unexpected keys ${extra.join(', ')}`);
  if (typeof v.id !== 'number' || !Number.isInteger(v.id) || v.id < 1 || v.id > k)
    problems.push(`id is ${JSON.stringify(v.id)}, expected an integer in 1..${k}`);
  if (typeof v.counter !== 'number' || !Number.isInteger(v.counter) || v.counter < 1)
    problems.push(`counter is ${JSON.stringify(v.counter)}, expected a positive integer`);
  return problems.length > 0 ? { problems } : { row: { id: v.id as number, counter: v.counter as number }, problems: [] };
}

const total = (counters: ReadonlyMap<number, number>) => [...counters.values()].reduce((a, b) => a + b, 0);

/** Pure: one answer against hotrow read before and after it: its row rose by exactly 1 to the returned counter, and no other row changed. */
export function singleIncrementProblems(row: HotRow, before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): string[] {
  const was = before.get(row.id);
  const now = after.get(row.id);
  const problems: string[] = [];
  if (was === undefined || now !== was + 1)
    problems.push(`hotrow ${row.id}'s counter went from ${was} to ${now}, expected a rise of exactly 1, committed before the answer`);
  else if (row.counter !== now) problems.push(`returned counter ${row.counter} for hotrow ${row.id}, but it holds ${now}`);
  const rise = total(after) - total(before);
  if (problems.length === 0 && rise !== 1) problems.push(`the counters of hotrow rose by ${rise} in all for one request, expected 1`);
  return problems;
}

/** Pure: a concurrent burst on rows 1..k against the counters of those rows before and after it. */
export function burstProblems(
  rows: readonly HotRow[],
  answered2xx: number,
  failures: number,
  firstFailure: string | undefined,
  riseOfK: number,
  riseOfAll: number,
  during: string,
): string[] {
  const problems: string[] = [];
  if (failures > 0)
    problems.push(`${during}: ${failures} requests failed (first: ${firstFailure ?? 'no answer'}); a deadlock or serialization failure is a failure`);
  if (riseOfK < answered2xx) problems.push(`${during}: ${answered2xx} successful answers but the counters rose by only ${riseOfK}; increments were lost`);
  else if (riseOfK > answered2xx) problems.push(`${during}: ${answered2xx} successful answers but the counters rose by ${riseOfK}; increments were doubled`);
  if (riseOfAll !== riseOfK) problems.push(`${during}: rows outside the hot ones changed (${riseOfAll - riseOfK} in all)`);
  const seen = new Set<string>();
  const repeated = rows.filter((r) => {
    const key = `${r.id}:${r.counter}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
  if (repeated.length > 0)
    problems.push(
      `${during}: ${repeated.length} answers returned a counter already returned for the same row (e.g. hotrow ${repeated[0]!.id} at ${repeated[0]!.counter}); each increment must see the one before`,
    );
  return problems;
}

export async function verifyHotRows(
  v: EndpointVerification,
  baseUrl: string,
  path: string,
  probes?: SweptProbes,
  concurrency: number = HOT_ROWS_BURST_DEFAULT,
  /** Leave the concurrent burst out (it passed earlier on this start of the app). */
  skipBurst = false,
): Promise<void> {
  const { get, expect, checked, problems } = v;
  const requests = hotRowsRequests(path);
  for (const request of requests) {
    const before = await probes?.hotrowCounters();
    const res = await get(request.path);
    if (!res) return;
    const parsed = parseHotRow(res.body, request.k);
    const found = [...checkHeaders(res), ...parsed.problems];
    if (parsed.row && before && probes) found.push(...singleIncrementProblems(parsed.row, before, await probes.hotrowCounters()));
    expect(request.path, found);
    if (found.length > 0) return;
  }
  checked.push(
    `${requests.length} hot-rows answers, one at a time: an id within the clamped k${probes ? ', its counter one more than before and stored as returned' : ''}`,
  );
  if (skipBurst || problems.length > 0) return;

  const route = path.split('?')[0]!;
  const burstPath = `${route}?k=${HOT_ROWS_BURST_K}`;
  const before = await probes?.hotrowCounters();
  const rows: HotRow[] = [];
  let answered2xx = 0;
  const shapes: string[] = [];
  const outcome = await burst(baseUrl, burstPath, concurrency, BURST_DURATION_MS, (res: ObservedResponse) => {
    if (res.status < 200 || res.status > 299) return;
    answered2xx++;
    const parsed = parseHotRow(res.body, HOT_ROWS_BURST_K);
    if (parsed.row) rows.push(parsed.row);
    else if (shapes.length === 0) shapes.push(...parsed.problems);
  });
  const during = `under ${concurrency} concurrent requests to ${burstPath} for ${BURST_DURATION_MS / 1000} s`;
  problems.push(...shapes.map((p) => `${during}: ${p}`));
  if (answered2xx === 0) problems.push(`${during}: no request succeeded`);
  if (!before || !probes) {
    checked.push(`${during}: ${answered2xx} answers, every id within 1..${HOT_ROWS_BURST_K}`);
    if (outcome.failures > 0) problems.push(`${during}: ${outcome.failures} requests failed (first: ${outcome.firstFailure ?? 'no answer'})`);
    return;
  }
  const after = await probes.hotrowCounters();
  const hot = (m: ReadonlyMap<number, number>) => total(new Map([...m].filter(([id]) => id <= HOT_ROWS_BURST_K)));
  const riseOfK = hot(after) - hot(before);
  checked.push(
    `${during}: ${answered2xx} successful answers, the counters of hotrow 1..${HOT_ROWS_BURST_K} rose by ${riseOfK} (read on the harness's connection)`,
  );
  problems.push(...burstProblems(rows, answered2xx, outcome.failures, outcome.firstFailure, riseOfK, total(after) - total(before), during));
}
