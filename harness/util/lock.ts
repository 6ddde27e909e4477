import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BenchError, type ErrorCode } from '../errors.ts';
import { isAlive } from './process.ts';

/**
 * Cross-process locks as files created with O_EXCL (`wx`), holding the owner's pid and
 * process start time. A lock whose owner is gone (or whose pid now belongs to another
 * process) is stale and taken over, so a killed run never blocks the next one; every lock
 * this process holds is removed when it exits. See docs/faults.md.
 */
export interface Lock {
  readonly file: string;
  /** Removes the lock file if this process still owns it. Safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  /** What is locked, for messages: `the flask virtualenv`. */
  what: string;
  /** Written under the owner line, for whoever finds the lock held (the measuring lock: the run's results folder). */
  note?: string | undefined;
  /** Called once when another live process holds the lock and this one starts waiting, with the holder's note. */
  onWait?: ((holderPid: number, holderNote?: string) => void) | undefined;
  /** How often the lock is retried while another process holds it. */
  pollMs?: number;
  /** Give up after this long (Infinity: never); default 20 minutes (a cold Docker build of all six apps stays well under it). */
  timeoutMs?: number;
  /** The error code when waiting times out (the exit code follows from it). */
  errorCode?: ErrorCode;
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
const DEFAULT_POLL_MS = 250;
/**
 * A lock file with no readable owner (the writer died between open and write, which is a
 * few microseconds) is treated as stale once it is this old.
 */
const UNREADABLE_STALE_MS = 5_000;

const held = new Map<string, Lock>();
let exitHookInstalled = false;

/** This process's identity as written into lock files: `<pid> <start time in clock ticks>`, then the note on a line of its own. */
function ownerText(pid: number, note: string | undefined): string {
  return `${pid} ${processStartTime(pid) ?? '?'}\n${note === undefined ? '' : `${note.replace(/\n/g, ' ')}\n`}`;
}

/** Field 22 of /proc/<pid>/stat; undefined where /proc is not available. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The pid recorded in a lock file, whether that process still runs, and the note it left (if any). */
export function lockOwner(file: string): { pid: number; alive: boolean; note?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', note] = text.split('\n');
  const [pidText, started] = first.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // A recycled pid is a different process: compare start times where both are known.
  const sameProcess = started === undefined || started === '?' || processStartTime(pid) === undefined || processStartTime(pid) === started;
  return { pid, alive: isAlive(pid) && sameProcess, ...(note ? { note } : {}) };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() (signals, errors) and normal ends both pass here; SIGKILL leaves a stale lock, which the next run takes over.
  process.on('exit', () => {
    for (const lock of [...held.values()]) lock.release();
  });
}

/** One attempt: the lock, or the pid (and note) of the live process holding it. */
export function tryLock(file: string, note?: string): Lock | { holderPid: number; holderNote?: string } {
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, ownerText(process.pid, note));
      } finally {
        closeSync(fd);
      }
      return register(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner(file);
    if (owner?.alive) return holder(owner);
    if (owner === undefined && ageMs(file) < UNREADABLE_STALE_MS) return { holderPid: 0 };
    removeStale(file, owner?.pid);
  }
  const owner = lockOwner(file);
  return owner ? holder(owner) : { holderPid: 0 };
}

function holder(owner: { pid: number; note?: string }): { holderPid: number; holderNote?: string } {
  return { holderPid: owner.pid, ...(owner.note ? { holderNote: owner.note } : {}) };
}

function register(file: string): Lock {
  installExitHook();
  let released = false;
  const lock: Lock = {
    file,
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      if (lockOwner(file)?.pid === process.pid) unlinkQuietly(file);
    },
  };
  held.set(file, lock);
  return lock;
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Takes a stale lock out of the way by renaming it to a name only this process uses,
 * then checks that what it moved is the stale lock it saw: if another process took the
 * lock over in between, the fresh lock is put back.
 */
function removeStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // Someone else moved it first.
  }
  const moved = lockOwner(aside);
  if (moved?.alive && moved.pid !== stalePid) {
    try {
      // link, not rename: it fails instead of overwriting a lock a third process made meanwhile.
      linkSync(aside, file);
    } catch {
      // A third process holds the lock now; the one moved aside is lost to its owner, whose release() finds it gone.
    }
    unlinkQuietly(aside);
    return;
  }
  unlinkQuietly(aside);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Waits until the lock is free, then holds it. Tells `onWait` once whom it waits for. */
export async function acquireLock(file: string, options: AcquireOptions): Promise<Lock> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let told = false;
  for (;;) {
    const result = tryLock(file, options.note);
    if ('release' in result) return result;
    if (!told) {
      told = true;
      options.onWait?.(result.holderPid, result.holderNote);
    }
    if (Date.now() > deadline) {
      throw new BenchError(options.errorCode ?? 'USAGE', `timed out waiting for ${options.what}: ${file} is held by pid ${result.holderPid}`, {
        hint: `wait for that run to finish, or remove ${file} if no crossover process runs`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? DEFAULT_POLL_MS));
  }
}

/** Runs `fn` while holding the lock; releases it however `fn` ends. */
export async function withLock<T>(file: string, options: AcquireOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
