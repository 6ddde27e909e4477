import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../harness/errors.ts';
import {
  busyError,
  MEASURING_LOCK_FILE,
  measuringHolder,
  measuringLockFile,
  shownFolder,
  takeMeasuringLock,
  waitingLine,
} from '../../harness/util/measuring-lock.ts';

const dirs: string[] = [];
function lockFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-measuring-lock-'));
  dirs.push(dir);
  return path.join(dir, 'measuring.lock');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another live process holding `file` as a run measuring into `out` would. */
async function otherRun(file: string, out: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const pid = child.pid!;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  writeFileSync(file, `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}\n${out}\n`);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('the measuring lock', () => {
  it('lives at one fixed path outside TMPDIR, which the fault tests make private per run', () => {
    expect(MEASURING_LOCK_FILE).toBe('/tmp/crossover-bench-measuring.lock');
    expect(measuringLockFile({})).toBe(MEASURING_LOCK_FILE);
    expect(measuringLockFile({ TMPDIR: '/tmp/private-x' })).toBe(MEASURING_LOCK_FILE);
    expect(measuringLockFile({ CROSSOVER_MEASURING_LOCK: '/tmp/t/a.lock' })).toBe('/tmp/t/a.lock');
  });

  it('names the run that holds it, with its folder relative to here when it is below', () => {
    expect(shownFolder('/work/repo/results/20261203T101500Z-quick', '/work/repo')).toBe('results/20261203T101500Z-quick');
    expect(shownFolder('/tmp/run-a', '/work/repo')).toBe('/tmp/run-a');
    expect(waitingLine({ pid: 4242, out: '/work/repo/results/x-quick' }, '/work/repo')).toBe(
      'another crossover run (pid 4242, results/x-quick) is measuring on this machine; waiting, Ctrl-C to stop',
    );
    expect(waitingLine({ pid: 4242 }, '/work/repo')).toBe('another crossover run (pid 4242) is measuring on this machine; waiting, Ctrl-C to stop');
    const refusal = busyError({ pid: 4242, out: '/tmp/run-a' }, '/work/repo');
    expect(refusal.message).toBe('another crossover run (pid 4242, /tmp/run-a) is measuring on this machine, and --no-wait was given');
    expect(EXIT_CODES[refusal.code]).toBe(3);
  });

  it('is taken at once on a free machine, records this run and its folder, and is gone after release', async () => {
    const file = lockFile();
    const waited: unknown[] = [];
    const lock = await takeMeasuringLock({ out: 'results/a-quick', wait: true, onWait: (h) => waited.push(h), file });
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(path.resolve('results/a-quick'));
    expect(waited).toEqual([]);
    // This process's own lock is not "another run".
    expect(measuringHolder(file)).toBeUndefined();
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('with --no-wait, refuses while another run holds it (MACHINE_BUSY, exit 3) and leaves its lock alone', async () => {
    const file = lockFile();
    const other = await otherRun(file, '/tmp/run-a');
    try {
      expect(measuringHolder(file)).toEqual({ pid: other.pid, out: '/tmp/run-a' });
      await expect(takeMeasuringLock({ out: '/tmp/run-b', wait: false, onWait: () => undefined, file })).rejects.toMatchObject({
        code: 'MACHINE_BUSY',
        message: `another crossover run (pid ${other.pid}, /tmp/run-a) is measuring on this machine, and --no-wait was given`,
      });
      expect(readFileSync(file, 'utf8')).toContain(`${other.pid} `);
    } finally {
      await other.kill();
    }
  });

  it('waits, telling whom it waits for once, and takes the lock when that run ends', async () => {
    const file = lockFile();
    const other = await otherRun(file, '/tmp/run-a');
    const waited: unknown[] = [];
    const taking = takeMeasuringLock({ out: '/tmp/run-b', wait: true, onWait: (h) => waited.push(h), file, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 150));
    expect(waited).toEqual([{ pid: other.pid, out: '/tmp/run-a' }]);
    await other.kill();
    const lock = await taking;
    const [owner, folder] = readFileSync(file, 'utf8').split('\n');
    expect(owner?.startsWith(`${process.pid} `)).toBe(true);
    expect(folder).toBe('/tmp/run-b');
    lock.release();
  });

  it('takes over the lock of a run that was killed (SIGKILL leaves its file)', async () => {
    const file = lockFile();
    const other = await otherRun(file, '/tmp/run-a');
    await other.kill();
    expect(measuringHolder(file)).toBeUndefined();
    const lock = await takeMeasuringLock({ out: '/tmp/run-b', wait: false, onWait: () => undefined, file });
    expect(readFileSync(file, 'utf8').startsWith(`${process.pid} `)).toBe(true);
    lock.release();
  });
});
