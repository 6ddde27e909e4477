import { describe, expect, it } from 'vitest';
import { describeFortuneContentProblem, describeFortuneShapeProblem, FORTUNE_ROWS } from '../../harness/db/fortune-seed.ts';
import { checkHeaders, HTML_CONTENT_TYPE, type ObservedResponse } from '../../harness/verify/checks.ts';
import { fortuneStatementProblems } from '../../harness/verify/fortunes.ts';
import { ADDED_FORTUNE, checkFortunesPage, expectedFortunesPage, normaliseFortunesHtml } from '../../harness/verify/fortunes-html.ts';

/** TechEmpower's `valid_fortune` (toolset/test_types/fortune/fortune_html_parser.py), copied character for character. */
const TECHEMPOWER_VALID = `<!doctype html><html>
<head><title>Fortunes</title></head>
<body><table>
<tr><th>id</th><th>message</th></tr>
<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>
<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>
<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>
<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&apos;t broken.</td></tr>
<tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>
<tr><td>0</td><td>Additional fortune added at request time.</td></tr>
<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>
<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>
<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>
<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>
<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>
<tr><td>1</td><td>fortune: No such file or directory</td></tr>
<tr><td>12</td><td>フレームワークのベンチマーク</td></tr>
</table></body></html>`;

/** Python's html.escape (Jinja2/MarkupSafe and Django escape the same five characters, with numeric references for quotes). */
const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&#34;').replaceAll("'", '&#39;');

/** A page as an app renders it: indented template, `rows` in the given order, escaped by `escapeFn`. */
function page(rows: ReadonlyArray<{ id: number; message: string }>, escapeFn: (s: string) => string = escapeHtml): string {
  const body = rows.map((r) => `    <tr>\n      <td>${r.id}</td>\n      <td>${escapeFn(r.message)}</td>\n    </tr>`).join('\n');
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>Fortunes</title></head>\n<body>\n  <table>\n    <tr><th>id</th><th>message</th></tr>\n${body}\n  </table>\n</body>\n</html>\n`;
}

const sorted = [...FORTUNE_ROWS, ADDED_FORTUNE].sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));

describe('the fortunes page check', () => {
  it("builds TechEmpower's stored page from the seed's rows", () => {
    expect(expectedFortunesPage()).toBe(TECHEMPOWER_VALID);
    expect(normaliseFortunesHtml(TECHEMPOWER_VALID)).toBe(TECHEMPOWER_VALID);
  });

  it('passes a correct page, whatever its indentation and spelling of the escapes', () => {
    expect(checkFortunesPage(page(sorted))).toEqual([]);
    // Django writes &#x27; and &quot;; some engines leave quotes alone in text: all are valid.
    const django = (s: string) =>
      s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#x27;');
    expect(checkFortunesPage(page(sorted, django))).toEqual([]);
    expect(checkFortunesPage(page(sorted, (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;')))).toEqual([]);
    expect(checkFortunesPage(page(sorted).replace('<table>', '<table><thead>').replace('</table>', '</tbody></table>'))).toEqual([]);
  });

  it('fails a page that does not escape the <script> row', () => {
    const problems = checkFortunesPage(page(sorted, (s) => s));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/line 5 .*expected "<tr><td>11<\/td><td>&lt;script&gt;alert/);
  });

  it('fails a page in the wrong order (by id, reversed, or two neighbours swapped)', () => {
    expect(checkFortunesPage(page([...sorted].sort((a, b) => a.id - b.id)))[0]).toMatch(/differs/);
    expect(checkFortunesPage(page([...sorted].reverse()))).toHaveLength(1);
    // "A list ..." before "Additional ...": a space (U+0020) sorts before "d".
    const swapped = [...sorted];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    expect(checkFortunesPage(page(swapped))[0]).toMatch(/line 9 .*Additional fortune/);
  });

  it('fails a page without the row added at request time, or with the rows stored only', () => {
    const problems = checkFortunesPage(page(sorted.filter((r) => r.id !== 0)));
    expect(problems[0]).toMatch(/Additional fortune added at request time/);
  });

  it('fails mojibake: UTF-8 read as Latin-1 and encoded again, or bytes that were not UTF-8', () => {
    const doubleEncoded = Buffer.from(page(sorted), 'utf8').toString('latin1');
    expect(checkFortunesPage(doubleEncoded)[0]).toMatch(/line 9 /);
    const latin1Bytes = Buffer.from(page(sorted).replaceAll('\u2014', '\u00b7'), 'latin1').toString('utf8');
    expect(checkFortunesPage(latin1Bytes)[0]).toMatch(/not valid UTF-8/);
    expect(checkFortunesPage('')).toEqual(['empty body']);
  });

  it('requires text/html with a UTF-8 charset, as TechEmpower does', () => {
    const res = (type: string): ObservedResponse => ({
      status: 200,
      headers: { server: 'x', date: 'now', 'content-type': type, 'content-length': '1' },
      body: '',
      elapsedMs: 1,
    });
    expect(checkHeaders(res('text/html; charset=utf-8'), HTML_CONTENT_TYPE)).toEqual([]);
    expect(checkHeaders(res('text/html;charset=UTF-8'), HTML_CONTENT_TYPE)).toEqual([]);
    expect(checkHeaders(res('text/html'), HTML_CONTENT_TYPE)).toEqual(["Content-Type is 'text/html', expected text/html; charset=utf-8"]);
    expect(checkHeaders(res('application/json'), HTML_CONTENT_TYPE)).toHaveLength(1);
    // The JSON check is as before: the media type, any parameters.
    expect(checkHeaders(res('application/json; charset=utf-8'))).toEqual([]);
    expect(checkHeaders(res('text/html; charset=utf-8'))).toHaveLength(1);
  });

  it('counts one query on fortune per page, reading all twelve rows', () => {
    const checked: string[] = [];
    expect(fortuneStatementProblems({ calls: 3, rows: 10 }, { calls: 8, rows: 70 }, 5, checked)).toEqual([]);
    expect(fortuneStatementProblems({ calls: 3, rows: 10 }, { calls: 4, rows: 22 }, 5, checked)[0]).toMatch(/ran only 1 queries/);
    expect(fortuneStatementProblems({ calls: 0, rows: 0 }, { calls: 5, rows: 5 }, 5, checked)[0]).toMatch(/read 5 rows/);
  });
});

describe('the fortune table check', () => {
  it("accepts exactly TechEmpower's shape and rows, and names what differs", () => {
    expect(
      describeFortuneShapeProblem([
        { name: 'id', type: 'integer' },
        { name: 'message', type: 'character varying(2048)' },
      ]),
    ).toBeUndefined();
    expect(
      describeFortuneShapeProblem([
        { name: 'id', type: 'bigint' },
        { name: 'message', type: 'text' },
      ]),
    ).toBe('column id is bigint, not integer; column message is text, not character varying(2048)');
    expect(describeFortuneContentProblem(FORTUNE_ROWS)).toBeUndefined();
    expect(describeFortuneContentProblem(FORTUNE_ROWS.slice(1))).toMatch(/11 row/);
    expect(describeFortuneContentProblem(FORTUNE_ROWS.map((r) => (r.id === 12 ? { ...r, message: 'x' } : r)))).toMatch(/id\(s\) 12/);
  });
});
