import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { BenchError } from '../errors.ts';
import { type ClaimedDir, claimDefaultRunDir, makeDirs, removeEmpty, removeEmptyAtExit } from '../util/run-dir.ts';

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';

/**
 * Checks `--out` and creates it, before anything (database, virtualenv, container) starts:
 * an existing file, a folder that already holds files, or a path that cannot be created or
 * written is a usage error (exit 2) naming the path and the fix. Returns the folders it
 * created, outermost first (none when `out` existed).
 */
export async function prepareOutDir(out: string): Promise<string[]> {
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
  }
  const created = existing ? [] : await makeDirs(out, `--out ${out}`);
  await access(out, constants.W_OK).catch((error: unknown) => {
    removeEmpty(created);
    throw new BenchError('USAGE', `--out ${out} is not writable (${codeOf(error)})`, {
      hint: 'choose a folder you can write, e.g. --out results/my-run',
      cause: error,
    });
  });
  return created;
}

/**
 * The run's output folder: `--out` checked and created, or the default folder claimed. What
 * the run created and never wrote into is removed when it exits, on every path; a folder
 * that existed before is left as it was (docs/faults.md).
 */
export async function claimOutDir(out: string, named: boolean): Promise<string> {
  const claim: ClaimedDir = named ? { dir: out, created: await prepareOutDir(out) } : await claimDefaultRunDir(out);
  removeEmptyAtExit(claim.created);
  return claim.dir;
}
