import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATA_DIR_PREFIX, startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import { isAlive } from '../../harness/util/process.ts';

function dataDirsOf(pid: number): string[] {
  // The postmaster's command line names its data folder: -D <tmp>/crossover-pg-XXXX/data.
  return readdirSync(os.tmpdir())
    .filter((name) => name.startsWith(DATA_DIR_PREFIX))
    .map((name) => path.join(os.tmpdir(), name))
    .filter((dir) => existsSync(path.join(dir, 'data', 'postmaster.pid')) && String(pid) === readPid(dir));
}

function readPid(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
  } catch {
    return '';
  }
}

/** Field 5 of /proc/<pid>/stat: the process group. */
function pgidOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

async function ping(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query('SELECT 1 AS one')).rows[0].one);
  } finally {
    await client.end();
  }
}

describe('startEmbeddedDatabase', () => {
  it('starts a server in its own process group, and stop() removes it and its data folder', async () => {
    const db = await startEmbeddedDatabase({ cpus: [] });
    const pid = db.serverPid!;
    const [dir] = dataDirsOf(pid);
    expect(dir).toBeDefined();
    expect(await ping(db.url)).toBe(1);
    // Its own group: a Ctrl-C to the harness's group does not reach it.
    expect(pgidOf(pid)).toBe(pid);
    expect(pgidOf(pid)).not.toBe(pgidOf('self'));
    const started = Date.now();
    await db.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir!)).toBe(false);
    await db.stop(); // twice is fine
  });

  it('stop() after the postmaster was killed with SIGKILL returns at once and still removes the data folder', async () => {
    const db = await startEmbeddedDatabase({ cpus: [] });
    const pid = db.serverPid!;
    const [dir] = dataDirsOf(pid);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await db.stop();
    expect(Date.now() - started).toBeLessThan(2500);
    expect(existsSync(dir!)).toBe(false);
  });
});
