import path from 'node:path';
import { execa } from 'execa';
import { CACHE_DIR } from '../../harness/paths.ts';

/**
 * What a test started and left running: an app server from this checkout's virtualenvs, or
 * an embedded PostgreSQL whose parent is this (the test's) process. Another checkout's run on
 * the same machine (its own databases and virtualenvs) is not this test's.
 */
export async function leftovers(): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,ppid=,args='], { reject: false });
  const venvs = path.join(CACHE_DIR, 'venvs');
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => {
      const command = args.join(' ');
      return command.includes(venvs) || (command.includes('crossover-pg-') && Number(ppid) === process.pid);
    })
    .map((fields) => fields.join(' '));
}
