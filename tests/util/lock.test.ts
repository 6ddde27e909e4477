import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, lockOwner, tryLock } from '../../harness/util/lock.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-locktest-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A separate node process that holds `file` (written the way tryLock writes it) until killed. */
async function holder(file: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const pid = child.pid!;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  writeFileSync(file, `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}\n`);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('tryLock / acquireLock', () => {
  it('creates the lock file with this pid, refuses a second holder, and removes it on release', () => {
    const file = path.join(tempDir(), 'a.lock');
    const lock = tryLock(file);
    expect('release' in lock).toBe(true);
    expect(lockOwner(file)).toEqual({ pid: process.pid, alive: true });
    expect(tryLock(file)).toEqual({ holderPid: process.pid });
    if ('release' in lock) lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('waits for a live holder in another process, says whom it waits for, and takes the lock when it dies', async () => {
    const file = path.join(tempDir(), 'b.lock');
    const other = await holder(file);
    const waitedFor: number[] = [];
    const acquiring = acquireLock(file, { what: 'the test thing', pollMs: 20, onWait: (pid) => waitedFor.push(pid) });
    await new Promise((r) => setTimeout(r, 150));
    expect(waitedFor).toEqual([other.pid]);
    await other.kill();
    const lock = await acquiring;
    expect(lockOwner(file)?.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a stale lock whose pid is gone, or whose pid now belongs to another process', async () => {
    const dir = tempDir();
    const other = await holder(path.join(dir, 'dead.lock'));
    await other.kill();
    expect(lockOwner(path.join(dir, 'dead.lock'))?.alive).toBe(false);
    const a = tryLock(path.join(dir, 'dead.lock'));
    expect('release' in a).toBe(true);
    // Our own pid with another start time: a recycled pid, not us.
    writeFileSync(path.join(dir, 'recycled.lock'), `${process.pid} 1\n`);
    expect(lockOwner(path.join(dir, 'recycled.lock'))?.alive).toBe(false);
    expect('release' in tryLock(path.join(dir, 'recycled.lock'))).toBe(true);
  });

  it('times out with a message naming what it waited for and the holder', async () => {
    const file = path.join(tempDir(), 'c.lock');
    const other = await holder(file);
    try {
      await expect(acquireLock(file, { what: 'the flask virtualenv', pollMs: 10, timeoutMs: 50, errorCode: 'PYTHON' })).rejects.toMatchObject({
        code: 'PYTHON',
        message: expect.stringMatching(new RegExp(`timed out waiting for the flask virtualenv: .*c\\.lock is held by pid ${other.pid}`)),
      });
    } finally {
      await other.kill();
    }
  });

  it('removes its lock files when the process exits', async () => {
    const file = path.join(tempDir(), 'd.lock');
    const script = `import { tryLock } from ${JSON.stringify(path.resolve('harness/util/lock.ts'))}; tryLock(${JSON.stringify(file)}); console.log('held');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: 'held' });
    expect(existsSync(file)).toBe(false);
  });
});
