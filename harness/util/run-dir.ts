import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BenchError } from '../errors.ts';

/** Runs started in the same second by one checkout; far more than a machine runs at once. */
const MAX_SUFFIX = 100;

/**
 * `mkdir -p` that fails instead of looping: Node 20's `mkdir(..., { recursive: true })`
 * never returns for a path under /proc (mkdir there says ENOENT although the parent
 * exists, and Node retries forever), which is how `--out /proc/x` hung a run.
 */
export async function makeDirs(dir: string): Promise<void> {
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of parts) {
    current = path.join(current, part);
    try {
      await mkdir(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new BenchError('USAGE', `cannot create the folder ${current} (for ${dir}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
        hint: 'pass --out with a folder you can write to',
      });
    }
  }
}

/**
 * Creates the default output folder `results/<stamp>-<profile>` exclusively (mkdir without
 * `recursive` fails when it exists): a second run started in the same second gets
 * `<stamp>-<profile>-2`, and so on, instead of writing into the first run's folder.
 * Returns the folder created. See docs/faults.md.
 */
export async function claimDefaultRunDir(wanted: string): Promise<string> {
  await makeDirs(path.dirname(wanted));
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    try {
      await mkdir(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BenchError('USAGE', `cannot create the output folder ${candidate}: ${(error as Error).message}`, {
          cause: error,
          hint: 'pass --out with a folder you can write to',
        });
      }
    }
  }
  throw new BenchError('USAGE', `${wanted} and ${MAX_SUFFIX - 1} numbered variants already exist`, { hint: 'pass --out, or clean up results/' });
}
