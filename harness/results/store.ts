import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BenchError } from '../errors.ts';
import { formatZodError } from '../zod-format.ts';
import { type Results, ResultsSchema } from './schema.ts';

export const RESULTS_FILE = 'results.json';

/** Writes atomically (temp file + rename), so a crash never leaves half a file. */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** Validates, then writes <dir>/results.json. Called after every cell. */
export async function saveResults(dir: string, results: Results): Promise<void> {
  const parsed = ResultsSchema.safeParse(results);
  if (!parsed.success) throw new BenchError('RESULTS', `refusing to write invalid results to ${dir}: ${formatZodError(parsed.error)}`);
  await writeFileAtomic(path.join(dir, RESULTS_FILE), `${JSON.stringify(parsed.data, null, 2)}\n`);
}

/** Strings (wrk's text) are written as they are; anything else as JSON. */
export async function saveRaw(dir: string, name: string, raw: unknown): Promise<string> {
  const rel = path.join('raw', name);
  await writeFileAtomic(path.join(dir, rel), typeof raw === 'string' ? raw : JSON.stringify(raw));
  return rel;
}

/** Where a run's documents go: the run folder on disk, or memory in tests. */
export interface ResultsStorage {
  /** Validates and writes the results document, atomically. */
  save(results: Results): Promise<void>;
  /** Writes a tool's untouched output; returns its path relative to the run folder. */
  saveRaw(name: string, raw: unknown): Promise<string>;
}

/** The run folder `dir`: results.json and raw/. */
export function fileStorage(dir: string): ResultsStorage {
  return { save: (results) => saveResults(dir, results), saveRaw: (name, raw) => saveRaw(dir, name, raw) };
}
