import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';

export type DbWork = { kind: 'db' | 'queries' | 'slow-db'; queries?: number | undefined; dbLatencyMs?: number | undefined };

/** Pure: the pgbench script issuing the same SQL one app request issues (one transaction = one request). */
export function pgbenchScript(work: DbWork): string {
  if (work.kind === 'slow-db') {
    const seconds = (work.dbLatencyMs ?? 0) / 1000;
    return `\\set id random(1, 10000)\nSELECT w.id, w.randomnumber FROM world AS w, pg_sleep(${seconds}) WHERE w.id = :id;\n`;
  }
  const n = work.kind === 'queries' ? (work.queries ?? 1) : 1;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`\\set id${i} random(1, 10000)`, `SELECT id, randomnumber FROM world WHERE id = :id${i};`);
  return `${lines.join('\n')}\n`;
}

/** Pure: `tps = 12345.6 (without initial connection time)` -> 12345.6. */
export function parsePgbenchTps(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([\d.]+)/.exec(output);
  if (!match) throw new BenchError('LOADGEN', `pgbench printed no tps line: ${output.trim().split('\n').slice(-2).join(' | ')}`);
  return Number(match[1]);
}

/** pgbench from PATH or from a Debian PostgreSQL install; undefined when there is none. */
export async function findPgbench(): Promise<string | undefined> {
  const onPath = await execa('sh', ['-c', 'command -v pgbench'], { reject: false });
  if (onPath.exitCode === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  for (const version of (await readdir(root)).sort().reverse()) {
    const candidate = path.join(root, version, 'bin', 'pgbench');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Runs pgbench (C, libpq, prepared statements) with `clients` connections for durationS,
 * pinned to `cpus`, and returns transactions per second: the rate the database sustains
 * for this SQL with this many connections when the client costs almost nothing.
 */
export async function runPgbench(
  binary: string,
  url: string,
  work: DbWork,
  clients: number,
  durationS: number,
  cpus: number[],
  pin: boolean,
): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-pgbench-'));
  const script = path.join(dir, 'request.sql');
  await writeFile(script, pgbenchScript(work));
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '1', '-T', String(durationS), '-f', script, url];
  const [file, argv] = pin ? ['taskset', ['-c', cpus.join(','), binary, ...args]] : [binary, args];
  const child = execa(file, argv as string[], { reject: false, timeout: (durationS + 30) * 1000 });
  const unregister = onCleanup('pgbench', async () => {
    child.kill('SIGKILL');
  });
  try {
    const r = await child;
    if (r.exitCode !== 0) throw new BenchError('LOADGEN', `pgbench failed: ${String(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
    return parsePgbenchTps(String(r.stdout));
  } finally {
    unregister();
    await rm(dir, { recursive: true, force: true });
  }
}
