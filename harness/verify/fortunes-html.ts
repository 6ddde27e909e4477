import { FORTUNE_ROWS } from '../db/fortune-seed.ts';

/** The row every app adds in memory before sorting (TechEmpower's rule). */
export const ADDED_FORTUNE = { id: 0, message: 'Additional fortune added at request time.' } as const;

/** HTML-escapes a message as TechEmpower's expected page writes it. */
function escapeLikeTechEmpower(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** Code-point order, as Python sorts strings (JavaScript's default compares UTF-16 units, which differs beyond the BMP). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * TechEmpower's stored page, normalised (its fortune_html_parser.py `valid_fortune`): the twelve
 * rows plus the added one, by message in code-point order, one `<tr>` a line. Built from the
 * seed's rows; a unit test compares it with the page TechEmpower stores, character for character.
 */
export function expectedFortunesPage(): string {
  const rows = [...FORTUNE_ROWS, ADDED_FORTUNE].sort((a, b) => byCodePoint(a.message, b.message));
  const lines = [
    '<!doctype html><html>',
    '<head><title>Fortunes</title></head>',
    '<body><table>',
    '<tr><th>id</th><th>message</th></tr>',
    ...rows.map((r) => `<tr><td>${r.id}</td><td>${escapeLikeTechEmpower(r.message)}</td></tr>`),
    '</table></body></html>',
  ];
  return lines.join('\n');
}

/** Tags TechEmpower's parser drops, so a page may carry them (its IGNORED_TAGS). */
const IGNORED = new Set(['<meta>', '</meta>', '<link>', '</link>', '<script>', '</script>', '<thead>', '</thead>', '<tbody>', '</tbody>']);

/** Character references TechEmpower's parser keeps, in one spelling; any other numeric reference is dropped (as there). */
const CHARREFS: Record<string, string> = { '34': '&quot;', '39': '&apos;', '43': '+', '62': '&gt;', '60': '&lt;', '47': '/', '40': '(', '41': ')' };

function charref(name: string): string {
  const lower = name.toLowerCase();
  const code = lower.startsWith('x') ? Number.parseInt(lower.slice(1), 16) : Number.parseInt(lower, 10);
  return CHARREFS[String(code)] ?? '';
}

/**
 * A page as TechEmpower's FortuneHTMLParser sees it: tags lower-cased without attributes, the
 * doctype lower-cased, comments dropped, whitespace-only text dropped, quotes, apostrophes and
 * `>` in text written as entities, `&#34;`/`&#x22;` and the like normalised, `&mdash;` as the
 * character, a newline after `<html>`, `<table>`, `</head>` and `</tr>`, and script content
 * and IGNORED tags left out. Text between references is one chunk each, as Python's
 * HTMLParser (convert_charrefs=False) hands it over: a chunk that is only whitespace vanishes.
 */
export function normaliseFortunesHtml(html: string): string {
  const out: string[] = [];
  let ignoring = false;
  const append = (item: string) => {
    ignoring = item === '<script>' || (ignoring && item !== '</script>');
    if (!ignoring && !IGNORED.has(item)) out.push(item);
  };
  const data = (text: string) => {
    if (text.trim() !== '') append(text.replaceAll("'", '&apos;').replaceAll('"', '&quot;').replaceAll('>', '&gt;'));
  };
  const token =
    /<!--[\s\S]*?-->|<!([^>]*)>|<\/\s*([a-zA-Z][^\s>/]*)[^>]*>|<([a-zA-Z][^\s>/]*)([^>]*)>|&#([0-9]+|[xX][0-9a-fA-F]+);?|&([a-zA-Z][-.a-zA-Z0-9]*);?/g;
  let last = 0;
  for (const m of html.matchAll(token)) {
    data(html.slice(last, m.index));
    last = m.index + m[0].length;
    const [, decl, end, start, attrs, num, entity] = m;
    if (decl !== undefined) append(`<!${decl.toLowerCase()}>`);
    else if (end !== undefined) {
      const tag = end.toLowerCase();
      append(`</${tag}>`);
      if (tag === 'tr' || tag === 'head') append('\n');
    } else if (start !== undefined) {
      const tag = start.toLowerCase();
      append(`<${tag}>`);
      if (tag === 'table' || tag === 'html') append('\n');
      // `<br/>`: Python calls handle_startendtag, which is the start tag then the end tag.
      if (attrs?.trimEnd().endsWith('/')) append(`</${tag}>`);
    } else if (num !== undefined) {
      const ref = charref(num);
      if (ref !== '') append(ref);
    } else if (entity !== undefined) append(entity === 'mdash' ? '\u2014' : `&${entity};`);
  }
  data(html.slice(last));
  return out.join('');
}

/**
 * The problems of a fortunes page: empty list when its normalised form is TechEmpower's
 * expected page. Each differing line is named (at most three), so a failure says whether the
 * escaping, the order, the added row or the encoding is wrong.
 */
export function checkFortunesPage(html: string): string[] {
  if (html.length === 0) return ['empty body'];
  if (html.includes('\ufffd')) return ['body is not valid UTF-8 (U+FFFD where bytes did not decode)'];
  const expected = expectedFortunesPage().split('\n');
  const found = normaliseFortunesHtml(html).split('\n');
  if (found.join('\n') === expected.join('\n')) return [];
  const problems: string[] = [];
  for (let i = 0; i < Math.max(expected.length, found.length) && problems.length < 3; i++) {
    if (expected[i] !== found[i])
      problems.push(`line ${i + 1} of the parsed page is ${JSON.stringify(found[i] ?? '(missing)')}, expected ${JSON.stringify(expected[i] ?? '(nothing)')}`);
  }
  return [`the page differs from TechEmpower's fortunes table: ${problems.join('; ')}`];
}
