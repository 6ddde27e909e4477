/** One HTTP response as the verifier saw it. */
export interface ObservedResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: string;
  elapsedMs: number;
}

/** TechEmpower's World rows: id and randomNumber in 1..10000. */
export const WORLD_MAX_ID = 10_000;

/** The Content-Type a test type must answer with: how a message names it, and the pattern it must match. */
export interface ExpectedContentType {
  label: string;
  pattern: RegExp;
}

/** application/json with any parameters (the media type is what the JSON test types check). */
export const JSON_CONTENT_TYPE: ExpectedContentType = { label: 'application/json', pattern: /^\s*application\/json\s*(;.*)?$/i };
/** TechEmpower's fortunes rule (toolset/test_types/verifications.py): the charset is required and must be UTF-8. */
export const HTML_CONTENT_TYPE: ExpectedContentType = { label: 'text/html; charset=utf-8', pattern: /^text\/html; ?charset=(UTF|utf)-8$/ };

/**
 * The checks TechEmpower's verifier applies to every test type, plus keep-alive:
 * a server that answers `Connection: close` makes autocannon count phantom requests
 * (docs/measured-facts.md#gunicorn-sync-worker: 37-40% low against wrk), so such an app is not measured.
 * Returns the problems found; an empty list means the response passes.
 */
export function checkHeaders(res: ObservedResponse, expected: ExpectedContentType = JSON_CONTENT_TYPE): string[] {
  const problems: string[] = [];
  if (res.status !== 200) problems.push(`status ${res.status}, expected 200`);
  if (!res.headers['server']) problems.push('no Server header');
  if (!res.headers['date']) problems.push('no Date header');
  const type = res.headers['content-type'];
  if (type === undefined || !expected.pattern.test(type)) problems.push(`Content-Type is '${type ?? '(missing)'}', expected ${expected.label}`);
  const chunked = res.headers['transfer-encoding']?.toLowerCase().includes('chunked') ?? false;
  if (!res.headers['content-length'] && !chunked) problems.push('neither Content-Length nor chunked Transfer-Encoding');
  if (res.headers['connection']?.toLowerCase() === 'close') {
    problems.push('answers with Connection: close; serve it with a keep-alive worker (autocannon mis-measures servers that close every connection)');
  }
  return problems;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false, problem: `body is not JSON: ${JSON.stringify(body.slice(0, 80))}` };
  }
}

export function checkJsonBody(body: string): string[] {
  const parsed = parseJson(body);
  if (!parsed.ok) return [parsed.problem];
  const value = parsed.value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`body is not a JSON object: ${body.slice(0, 80)}`];
  const keys = Object.keys(value);
  if (keys.length !== 1 || value['message'] !== 'Hello, World!') return [`body is ${body.slice(0, 80)}, expected {"message":"Hello, World!"}`];
  return [];
}

/** A World row: exactly id and randomNumber, both integers in 1..10000. */
export function checkRow(row: unknown, where = 'row'): string[] {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return [`${where} is not a JSON object: ${JSON.stringify(row)?.slice(0, 80)}`];
  const r = row as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['id', 'randomNumber'] as const) {
    const v = r[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`${where}.${key} is ${JSON.stringify(v)}, expected an integer`);
    else if (v < 1 || v > WORLD_MAX_ID) problems.push(`${where}.${key} is ${v}, expected 1..${WORLD_MAX_ID}`);
  }
  const extra = Object.keys(r).filter((k) => k !== 'id' && k !== 'randomNumber');
  if (extra.length > 0) problems.push(`${where} has unexpected keys ${extra.join(', ')}`);
  return problems;
}

export function checkRowBody(body: string): string[] {
  const parsed = parseJson(body);
  return parsed.ok ? checkRow(parsed.value) : [parsed.problem];
}

/** An array of exactly `expected` rows. */
export function checkRowsBody(body: string, expected: number): string[] {
  const parsed = parseJson(body);
  if (!parsed.ok) return [parsed.problem];
  if (!Array.isArray(parsed.value)) return [`body is not a JSON array: ${body.slice(0, 80)}`];
  if (parsed.value.length !== expected) return [`got ${parsed.value.length} rows, expected ${expected}`];
  return parsed.value.flatMap((row, i) => checkRow(row, `row ${i}`)).slice(0, 3);
}

/** How `queries` must be clamped: missing, below 1 or not a number -> 1; above 500 -> 500. */
export const QUERIES_CLAMP_CASES: { query: string; expected: number }[] = [
  { query: '', expected: 1 },
  { query: '?queries=0', expected: 1 },
  { query: '?queries=foo', expected: 1 },
  { query: '?queries=501', expected: 500 },
];
