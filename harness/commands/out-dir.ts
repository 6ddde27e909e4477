import { constants } from 'node:fs';
import { access, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BenchError } from '../errors.ts';

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';

/**
 * Checks `--out` and creates it, before anything (database, virtualenv, container) starts:
 * an existing file, a folder that already holds files, or a path that cannot be created or
 * written is a usage error (exit 2) naming the path and the fix.
 */
export async function prepareOutDir(out: string): Promise<void> {
  const existing = await stat(out).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw new BenchError('USAGE', `--out ${out} cannot be inspected (${codeOf(error)})`, {
      hint: 'choose a folder you can write, e.g. --out results/my-run',
      cause: error,
    });
  });
  if (existing && !existing.isDirectory()) {
    throw new BenchError('USAGE', `--out ${out} is an existing file, not a folder`, { hint: 'pass a new folder path, or move the file away' });
  }
  if (existing) {
    const entries = await readdir(out).catch((error: unknown) => {
      throw new BenchError('USAGE', `--out ${out} cannot be read (${codeOf(error)})`, { hint: 'choose a folder you can read and write', cause: error });
    });
    if (entries.length > 0) {
      throw new BenchError(
        'USAGE',
        `--out ${out} already holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')})`,
        {
          hint: 'a run never writes over another: pass a new or empty folder',
        },
      );
    }
  } else {
    await makeDirs(out).catch((error: unknown) => {
      throw new BenchError('USAGE', `--out ${out} cannot be created (${codeOf(error)})`, {
        hint: 'choose a folder under one you can write, e.g. --out results/my-run',
        cause: error,
      });
    });
  }
  await access(out, constants.W_OK).catch((error: unknown) => {
    throw new BenchError('USAGE', `--out ${out} is not writable (${codeOf(error)})`, {
      hint: 'choose a folder you can write, e.g. --out results/my-run',
      cause: error,
    });
  });
}

/**
 * `mkdir -p` one level at a time. Node's own `mkdir(..., { recursive: true })` never
 * returns for a path under /proc (it retries the ENOENT forever), which left `--out /proc/x` hanging.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (
    !(await stat(at).then(
      () => true,
      () => false,
    ))
  ) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) await mkdir(d);
}
