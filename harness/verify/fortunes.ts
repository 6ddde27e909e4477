import { FORTUNE_ROWS } from '../db/fortune-seed.ts';
import { checkHeaders, HTML_CONTENT_TYPE, type ObservedResponse } from './checks.ts';
import { checkFortunesPage } from './fortunes-html.ts';
import type { StatementTotals } from './verify.ts';

/** Requests of the check: enough that a page served from a cache after the first shows as missing queries. */
export const FORTUNES_REQUESTS = 5;

/**
 * Verifies a fortunes endpoint as TechEmpower does (toolset/test_types/fortune): the headers
 * with `text/html; charset=utf-8`, the page parsed and compared with the expected 13-row table
 * (escaping, order, the added row, UTF-8), on every request; then, where pg_stat_statements
 * is loaded, at least one query on `fortune` per request, reading all twelve rows each time.
 */
export async function verifyFortunes(
  get: (path: string) => Promise<ObservedResponse | undefined>,
  path: string,
  fortuneStatements: (() => Promise<StatementTotals>) | undefined,
  expect: (path: string, found: string[]) => void,
  checked: string[],
  problems: string[],
): Promise<void> {
  const before = await fortuneStatements?.();
  let served = 0;
  for (let i = 0; i < FORTUNES_REQUESTS; i++) {
    const res = await get(path);
    if (!res) return;
    const found = [...checkHeaders(res, HTML_CONTENT_TYPE), ...checkFortunesPage(res.body)];
    if (found.length > 0) {
      expect(path, found);
      return;
    }
    served++;
  }
  checked.push(`${path} x${served}: the HTML table of TechEmpower's fortunes, escaped, sorted, with the added row`);
  if (before === undefined || fortuneStatements === undefined) return;
  problems.push(...fortuneStatementProblems(before, await fortuneStatements(), served, checked));
}

/** Pure: each page must come from its own query on `fortune` reading every row (TechEmpower counts both). */
export function fortuneStatementProblems(before: StatementTotals, after: StatementTotals, pages: number, checked: string[]): string[] {
  const ran = after.calls - before.calls;
  const read = after.rows - before.rows;
  const rows = pages * FORTUNE_ROWS.length;
  checked.push(`${pages} pages came from at least ${pages} queries on fortune reading at least ${rows} rows (pg_stat_statements)`);
  if (ran < pages) return [`${pages} fortunes pages were served but the database ran only ${ran} queries on fortune; each page must read the table again`];
  if (read < rows)
    return [`${pages} fortunes pages were served from queries on fortune that read ${read} rows, fewer than the ${rows} of ${FORTUNE_ROWS.length} rows a page`];
  return [];
}
