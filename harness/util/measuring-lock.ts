import path from 'node:path';
import { BenchError } from '../errors.ts';
import { acquireLock, type Lock, lockOwner, tryLock } from './lock.ts';

/**
 * One run measures on a machine at a time (docs/faults.md, "One run measures at a time"): two
 * Flask json runs started together each measured about 1,250 req/s, half of what Flask
 * reaches alone, and both said `complete`.
 *
 * The file sits directly in /tmp, never under os.tmpdir(): TMPDIR differs per user, per
 * session and, in the fault tests, per run, and a lock each run finds in its own folder locks
 * nothing. /tmp is world-writable and sticky on every Linux, so runs of different users meet
 * here too; a folder of our own would belong to whichever user made it first and shut the
 * others out. /run/lock would do on Debian and Ubuntu, but it is root's alone on some
 * distributions, and a root run and a user run must not pick different files.
 */
export const MEASURING_LOCK_FILE = '/tmp/crossover-bench-measuring.lock';

/**
 * The lock file: MEASURING_LOCK_FILE, or CROSSOVER_MEASURING_LOCK. The variable exists for the
 * fault tests, which must make two runs measure at once (each with its own file) to prove the
 * neighbour flag catches what the lock would have prevented; a user who sets it opts out of the lock.
 */
export function measuringLockFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.CROSSOVER_MEASURING_LOCK || MEASURING_LOCK_FILE;
}

/** The run holding the measuring lock: its pid, and its results folder as it recorded it. */
export interface MeasuringHolder {
  pid: number;
  out?: string | undefined;
}

/** Pure: `results/20261203T101500Z-quick` when the folder is under `cwd`, the absolute path otherwise. */
export function shownFolder(out: string, cwd: string): string {
  const relative = path.relative(cwd, out);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : out;
}

/** Pure: `another crossover run (pid 4242, results/...) is measuring on this machine`. */
export function holderText(holder: MeasuringHolder, cwd: string): string {
  return `another crossover run (pid ${holder.pid}${holder.out ? `, ${shownFolder(holder.out, cwd)}` : ''}) is measuring on this machine`;
}

/** Pure: the line a run prints when it starts waiting. */
export function waitingLine(holder: MeasuringHolder, cwd: string): string {
  return `${holderText(holder, cwd)}; waiting, Ctrl-C to stop`;
}

/** Pure: the refusal under --no-wait (exit 3, MACHINE_BUSY). */
export function busyError(holder: MeasuringHolder, cwd: string): BenchError {
  return new BenchError('MACHINE_BUSY', `${holderText(holder, cwd)}, and --no-wait was given`, {
    hint: 'run again once it has finished, or without --no-wait to wait for it',
  });
}

/** The live run holding the measuring lock, or undefined when none does (a stale file counts as none). */
export function measuringHolder(file = measuringLockFile()): MeasuringHolder | undefined {
  const owner = lockOwner(file);
  return owner?.alive && owner.pid !== process.pid ? { pid: owner.pid, out: owner.note } : undefined;
}

export interface MeasuringLockOptions {
  /** This run's results folder, recorded in the lock for whoever waits. */
  out: string;
  /** False (--no-wait): refuse with MACHINE_BUSY instead of waiting. */
  wait: boolean;
  /** Told once, when this run starts waiting. */
  onWait: (holder: MeasuringHolder) => void;
  file?: string | undefined;
  pollMs?: number | undefined;
}

/**
 * Takes the measuring lock, waiting for as long as another run holds it (a full profile
 * measures for hours; Ctrl-C stops the wait). Released on every exit short of SIGKILL
 * (util/lock.ts); a killed holder's lock is taken over.
 */
export async function takeMeasuringLock(o: MeasuringLockOptions): Promise<Lock> {
  const file = o.file ?? measuringLockFile();
  const note = path.resolve(o.out);
  const cwd = process.cwd();
  if (!o.wait) {
    const result = tryLock(file, note);
    if ('release' in result) return result;
    throw busyError({ pid: result.holderPid, out: result.holderNote }, cwd);
  }
  return acquireLock(file, {
    what: 'the machine (another run is measuring)',
    note,
    timeoutMs: Number.POSITIVE_INFINITY,
    pollMs: o.pollMs,
    errorCode: 'MACHINE_BUSY',
    onWait: (pid, holderNote) => o.onWait({ pid, out: holderNote }),
  });
}
