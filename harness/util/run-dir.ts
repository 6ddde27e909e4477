import { rmdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { onExitKill } from '../cleanup.ts';
import { BenchError } from '../errors.ts';

/** Runs started in the same second by one checkout; far more than a machine runs at once. */
const MAX_SUFFIX = 100;

/** An output folder and the folders this process created to make it, outermost first (none when it existed). */
export interface ClaimedDir {
  dir: string;
  created: string[];
}

/**
 * `mkdir -p` that fails instead of looping: Node 20's `mkdir(..., { recursive: true })`
 * never returns for a path under /proc (mkdir there says ENOENT although the parent
 * exists, and Node retries forever), which is how `--out /proc/x` hung a run.
 * Returns the folders it created, outermost first; `what` names the folder in the message.
 */
export async function makeDirs(dir: string, what: string = dir): Promise<string[]> {
  const absolute = path.resolve(dir);
  const parts = absolute.split(path.sep).filter(Boolean);
  const created: string[] = [];
  let current: string = path.sep;
  for (const part of parts) {
    current = path.join(current, part);
    try {
      await mkdir(current);
      created.push(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      // A path that fails halfway (a name too long, a read-only mount below) leaves no folders.
      removeEmpty(created);
      throw new BenchError('USAGE', `cannot create the folder ${current} (for ${what}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
        hint: 'pass --out with a folder you can write to',
      });
    }
  }
  return created;
}

/**
 * Creates the default output folder `results/<stamp>-<profile>` exclusively (mkdir without
 * `recursive` fails when it exists): a second run started in the same second gets
 * `<stamp>-<profile>-2`, and so on, instead of writing into the first run's folder.
 * See docs/faults.md.
 */
export async function claimDefaultRunDir(wanted: string): Promise<ClaimedDir> {
  const parents = await makeDirs(path.dirname(wanted));
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    try {
      await mkdir(candidate);
      return { dir: candidate, created: [...parents, path.resolve(candidate)] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        removeEmpty(parents);
        throw new BenchError('USAGE', `cannot create the output folder ${candidate}: ${(error as Error).message}`, {
          cause: error,
          hint: 'pass --out with a folder you can write to',
        });
      }
    }
  }
  throw new BenchError('USAGE', `${wanted} and ${MAX_SUFFIX - 1} numbered variants already exist`, { hint: 'pass --out, or clean up results/' });
}

/**
 * When the process exits, however it exits short of SIGKILL (success, an error, a signal),
 * removes the folders it created that are still empty, innermost first: a run that failed
 * or was stopped before its first write leaves no empty folder for "the newest run" to
 * pick. `rmdir` removes only an empty folder, so nothing written is ever lost. Runs once:
 * a second pass could remove a folder of the same name that another run claimed since.
 * See docs/faults.md.
 */
export function removeEmptyAtExit(created: string[]): () => void {
  let done = false;
  const unregister = onExitKill(() => {
    if (done) return;
    done = true;
    unregister();
    removeEmpty(created);
  });
  return unregister;
}

/** Removes `created` (outermost first) innermost first, stopping at the first folder that is not empty. */
export function removeEmpty(created: string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      // Not empty (the run wrote into it): its parents are not empty either.
      return;
    }
  }
}
