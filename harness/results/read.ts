import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { BenchError } from '../errors.ts';
import { upgradeResults } from './migrate.ts';
import { RESULTS_SCHEMA_VERSION, type Results, ResultsSchema } from './schema.ts';
import { RESULTS_FILE } from './store.ts';

/** Issues quoted in one message; the rest are counted. */
const MAX_ISSUES = 3;

/**
 * Reads <dir>/results.json (or a results.json path) for `report` and `compare`. A file that
 * is not JSON is reported with the line and column where parsing stopped; one that fails
 * the schema with the path of each field and what was expected there.
 */
export async function readResults(dirOrFile: string): Promise<Results> {
  // A path that is not a folder but ends in .json is the file itself.
  const file = (await isDirectory(dirOrFile)) || !dirOrFile.endsWith('.json') ? path.join(dirOrFile, RESULTS_FILE) : dirOrFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new BenchError('RESULTS', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, {
      cause,
      hint: 'pass a run folder written by `crossover run` (it holds results.json)',
    });
  }
  return parseResults(text, file);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Pure: the text of a results.json, validated; `file` is only used in messages. */
export function parseResults(text: string, file: string): Results {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    const at = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, at);
    const what = at >= text.length ? 'the file ends early (truncated?)' : `unexpected ${JSON.stringify(text.slice(at, at + 12))}`;
    throw new BenchError('RESULTS', `${file}:${line}:${column}: not valid JSON: ${what}`, {
      cause,
      hint: 'the file was cut short or edited by hand; restore it from the run, or re-run `crossover run`',
    });
  }
  // Files of older schema versions are upgraded first, so the messages below speak of the current schema.
  raw = upgradeResults(raw);
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new BenchError('RESULTS', `${file}: schemaVersion is ${JSON.stringify(version)}, this harness reads ${RESULTS_SCHEMA_VERSION}`, {
      hint: 'read it with the crossover-bench version that wrote it (results.json names it under tool.version)',
    });
  }
  const parsed = ResultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, MAX_ISSUES).map((issue) => describeIssue(issue, raw));
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
    throw new BenchError('RESULTS', `${file} does not match the results schema: ${shown.join('; ')}${more}`, {
      hint: 'fix or remove the named fields (hand edits?), or re-run `crossover run`',
    });
  }
  return parsed.data;
}

/** `cells[3].repeats[0].measurement.rps: expected number, got "fast"`. */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = formatPath(issue.path);
  const found = valueAt(raw, issue.path);
  const got = found.present ? `, got ${preview(found.value)}` : ', but it is missing';
  if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected}${got}`;
  if (issue.code === 'invalid_value') return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.join(', ')}`;
  return `${where}: ${issue.message}${found.present ? ` (got ${preview(found.value)})` : ''}`;
}

export function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(top level)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

function valueAt(raw: unknown, p: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let current: unknown = raw;
  for (const key of p) {
    if (current === null || typeof current !== 'object' || !(key in current)) return { present: false };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: current };
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Pure: the offset where a JSON parser must stop on `text` (its length when the text ends
 * early). Node 20's JSON.parse names the offending token but not always its position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  /** Thrown with the offset where parsing must stop. */
  class Stop {
    constructor(readonly at: number) {}
  }
  const fail = (at = i): never => {
    throw new Stop(at);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text.charAt(i) !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    while (text.charAt(i) !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      if (text.charAt(i) === '\\') {
        i++;
        if (text.charAt(i) === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(i + 1);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text.charAt(i)) || i >= text.length) fail();
      }
      i++;
    }
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    else i += m[0].length;
  };
  const sequence = (close: string, item: () => void) => {
    i++; // the opening bracket
    skipSpace();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text.charAt(i) === close) {
        i++;
        return;
      }
      if (text.charAt(i) !== ',') fail();
      i++;
    }
  };
  const member = () => {
    skipSpace();
    if (text.charAt(i) !== '"') fail();
    string();
    skipSpace();
    if (text.charAt(i) !== ':') fail();
    i++;
    value();
  };
  const value = (): void => {
    skipSpace();
    const ch = text.charAt(i);
    if (ch === '{') sequence('}', member);
    else if (ch === '[') sequence(']', value);
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch >= '0' && ch <= '9' && ch !== '')) number();
    else fail();
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof Stop) return Math.min(error.at, text.length);
    throw error;
  }
  return text.length;
}
