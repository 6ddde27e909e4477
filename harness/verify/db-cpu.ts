/**
 * Verification of `db-cpu`: each request has the database sum generate_series(1, work). The
 * response must echo the clamped work and carry the right sum, and the database must have done
 * the work: one call of a generate_series statement per request in pg_stat_statements, taking
 * together at least a quarter of the time the harness's own run of the largest request's
 * statement takes (so a token statement beside a sum computed in the app fails), or, where the
 * server does not load pg_stat_statements, such a statement seen running in pg_stat_activity
 * while the largest request (work 1,000,000) is served.
 */
import { checkHeaders, type ObservedResponse } from './checks.ts';
import type { SweptProbes } from './swept-probes.ts';
import type { StatementTotals } from './verify.ts';

/** The contract's range of work. */
export const DB_CPU_MAX_WORK = 1_000_000;

/** How `work` must be clamped: missing, below 1 or not a number -> 1; above 1,000,000 -> 1,000,000 (the last, the largest request). */
export const DB_CPU_CLAMP_CASES: { query: string; expected: number }[] = [
  { query: '', expected: 1 },
  { query: '?work=0', expected: 1 },
  { query: '?work=foo', expected: 1 },
  { query: `?work=${DB_CPU_MAX_WORK + 1}`, expected: DB_CPU_MAX_WORK },
];

/** pg_stat_activity is read this often while the largest request runs (the fallback check). */
const RUNNING_POLL_MS = 10;

/** Pure: the requests of a db-cpu cell, the cell's own first, each with the work it must echo. */
export function dbCpuRequests(path: string): { path: string; expected: number }[] {
  const [route, query = ''] = path.split('?') as [string, string?];
  const raw = Number(new URLSearchParams(query).get('work'));
  const own = Number.isInteger(raw) ? Math.min(DB_CPU_MAX_WORK, Math.max(1, raw)) : 1;
  return [{ path, expected: own }, ...DB_CPU_CLAMP_CASES.map((c) => ({ path: `${route}${c.query}`, expected: c.expected }))];
}

/** Pure: a body of exactly `{"work": work, "sum": work*(work+1)/2}`. */
export function checkDbCpuBody(body: string, work: number): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`body is not JSON: ${JSON.stringify(body.slice(0, 80))}`];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`body is not a JSON object: ${body.slice(0, 80)}`];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(v).filter((k) => k !== 'work' && k !== 'sum');
  if (extra.length > 0) problems.push(`body has unexpected keys ${extra.join(', ')}`);
  if (v.work !== work) problems.push(`work is ${JSON.stringify(v.work)}, expected ${work} (clamped to 1..${DB_CPU_MAX_WORK})`);
  const sum = (work * (work + 1)) / 2;
  if (v.sum !== sum) problems.push(`sum is ${JSON.stringify(v.sum)}, expected ${sum}`);
  return problems;
}

/** Pure: one call of a generate_series statement per request, each returning its row. */
export function generateSeriesProblems(before: StatementTotals, after: StatementTotals, requests: number): string[] {
  const calls = after.calls - before.calls;
  if (calls < requests)
    return [
      `${requests} db-cpu responses were served but the database ran only ${calls} statements calling generate_series; each sum must be computed by the database`,
    ];
  if (calls > requests) return [`${requests} db-cpu responses took ${calls} statements calling generate_series; each request must be one statement`];
  if (after.rows - before.rows < requests)
    return [`the ${calls} statements calling generate_series returned ${after.rows - before.rows} rows, fewer than one each`];
  return [];
}

/**
 * The share of the harness's own time for the largest request's statement that the app's
 * statements must take together. An app that computes the sum itself and sends a token
 * generate_series (of 1 row) spends about a thousandth of it; an honest one a little more than
 * all of it (its largest request alone is that statement). A quarter leaves room for this
 * machine's speed moving 2x from one second to the next.
 */
export const MIN_DB_TIME_SHARE = 0.25;

/** Pure: the app's statements took the database's time for the work they were asked, or the problem. */
export function generateSeriesTimeProblems(appMs: number, referenceMs: number, largestWork: number, requests: number): string[] {
  if (appMs >= MIN_DB_TIME_SHARE * referenceMs) return [];
  return [
    `the database spent ${appMs.toFixed(2)} ms executing the ${requests} db-cpu requests' generate_series statements, less than ${MIN_DB_TIME_SHARE * 100}% of the ${referenceMs.toFixed(2)} ms it takes to sum ${largestWork.toLocaleString('en-US')} rows once (the largest request); the work must be done by the database, not in the app`,
  ];
}

/** How one cell is verified; `get` and `expect` are verifyCell's. */
export interface EndpointVerification {
  get: (path: string) => Promise<ObservedResponse | undefined>;
  expect: (path: string, found: string[]) => void;
  checked: string[];
  problems: string[];
}

export async function verifyDbCpu(v: EndpointVerification, path: string, probes?: SweptProbes): Promise<void> {
  const { get, expect, checked, problems } = v;
  const before = await probes?.generateSeries?.();
  const requests = dbCpuRequests(path);
  let seenRunning = false;
  for (const [i, request] of requests.entries()) {
    const watch = probes && !probes.generateSeries && i === requests.length - 1;
    const pending = get(request.path);
    if (watch) seenRunning = await watchWhile(pending, probes.generateSeriesRunning);
    const res = await pending;
    if (!res) return;
    const found = [...checkHeaders(res), ...checkDbCpuBody(res.body, request.expected)];
    expect(request.path, found);
    if (found.length > 0) return;
  }
  checked.push(`${requests.length} db-cpu responses echo the clamped work and its sum`);
  if (probes?.generateSeries && before) {
    const after = await probes.generateSeries();
    checked.push(`${requests.length} requests, ${after.calls - before.calls} statements calling generate_series (pg_stat_statements)`);
    const counted = generateSeriesProblems(before, after, requests.length);
    problems.push(...counted);
    const largestWork = Math.max(...requests.map((r) => r.expected));
    const referenceMs = counted.length === 0 ? await probes.generateSeriesReferenceMs(largestWork) : undefined;
    if (referenceMs !== undefined && after.execMs !== undefined && before.execMs !== undefined) {
      const appMs = after.execMs - before.execMs;
      checked.push(
        `their execution took ${appMs.toFixed(1)} ms in the database; summing ${largestWork.toLocaleString('en-US')} rows once takes it ${referenceMs.toFixed(1)} ms (at least ${MIN_DB_TIME_SHARE * 100}% of that required)`,
      );
      problems.push(...generateSeriesTimeProblems(appMs, referenceMs, largestWork, requests.length));
    }
  } else if (probes) {
    const largest = requests[requests.length - 1]!.path;
    checked.push(`GET ${largest}: a statement calling generate_series seen running while it was served (pg_stat_activity)`);
    if (!seenRunning)
      problems.push(
        `GET ${largest}: no statement calling generate_series seen running in pg_stat_activity while it was served; the sum must be computed by the database`,
      );
  }
}

/** Reads `probe` every few milliseconds until it says yes or `pending` settles; whether it said yes. */
async function watchWhile(pending: Promise<unknown>, probe: () => Promise<boolean>): Promise<boolean> {
  let settled = false;
  void pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, RUNNING_POLL_MS));
  }
  return false;
}
