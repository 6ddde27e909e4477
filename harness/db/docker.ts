import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import pg from 'pg';
import { onCleanup } from '../cleanup.ts';
import { containerCgroupPath } from '../docker/cgroups.ts';
import { containerLabels, removeContainer } from '../docker/client.ts';
import { requireImage } from '../docker/images.ts';
import { demuxDockerLogs } from '../docker/logs.ts';
import { BenchError, errorLine } from '../errors.ts';
import { findFreePort, requireFreePort } from '../util/ports.ts';
import { harnessConnectionString } from './app-name.ts';
import { type HealthWatch, watchBySelect } from './health.ts';
import type { Database } from './types.ts';

export const DATABASE_NAME = 'hello_world';
const USER = 'bench';

/** Seconds to wait for the first connection: initdb plus start take 2-5 s; a loaded CI machine more. */
const DEFAULT_START_TIMEOUT_S = 60;
/** Between connection attempts while the server starts. */
const POLL_INTERVAL_MS = 250;
/** /dev/shm of the container: Docker's 64 MB default is too small for parallel query workers. */
const SHM_BYTES = 256 * 2 ** 20;
/** Enough for every app's connection cap plus the harness's own ceiling queries. */
const DEFAULT_MAX_CONNECTIONS = 200;

export interface DockerDatabaseOptions {
  /**
   * postgres:18 (official, needs a registry once) or crossover-postgres:trixie (offline, from
   * docker/build-base-image.sh). Both follow the official entrypoint's contract: POSTGRES_USER,
   * POSTGRES_PASSWORD and POSTGRES_DB create the role and database on first start, and the
   * command's arguments go to `postgres` (docker/postgres-entrypoint.sh re-implements that
   * subset for the Debian image), so nothing here depends on which image it is.
   */
  image: string;
  /** 127.0.0.1 port; below 32768 and never 5432 (docs/measured-facts.md#database-ports). Default: a free one. */
  port?: number | undefined;
  /** CPUs the server may use; empty for no pinning. */
  cpus: number[];
  runId: string;
  maxConnections?: number | undefined;
  memoryLimitBytes?: number | undefined;
  startTimeoutS?: number | undefined;
  docker?: Docker | undefined;
}

/** A port for PostgreSQL on the host network: outside the ephemeral range, not a system one. */
export function checkDatabasePort(port: number): void {
  if (!Number.isInteger(port) || port <= 1024 || port >= 32768 || port === 5432) {
    throw new BenchError('USAGE', `database port ${port} is not allowed: it must be between 1025 and 32767 and not 5432`, {
      hint: 'ports in 32768-60999 can be held by TIME_WAIT sockets after a load test; 5432 may belong to a system PostgreSQL',
    });
  }
}

function imageHint(image: string): string {
  return image.startsWith('crossover-postgres')
    ? 'build it offline with: sudo docker/build-base-image.sh --postgres-only'
    : `pull it with: docker pull ${image} (or use the offline crossover-postgres:trixie from docker/build-base-image.sh)`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** PostgreSQL in a container on the host network, listening on 127.0.0.1 only; removed on stop. */
export async function startDockerDatabase(options: DockerDatabaseOptions): Promise<Database> {
  const docker = options.docker ?? new Docker();
  const port = options.port ?? (await findFreePort());
  checkDatabasePort(port);
  await requireFreePort(port, 'docker database');
  await requireImage(docker, options.image, imageHint(options.image));

  const password = randomBytes(18).toString('base64url');
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE_NAME}`;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: options.image,
      // pg_stat_statements lets verification count the queries an app really sends (as TechEmpower does).
      Cmd: [
        'postgres',
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `max_connections=${options.maxConnections ?? DEFAULT_MAX_CONNECTIONS}`,
        '-c',
        'shared_preload_libraries=pg_stat_statements',
      ],
      // PGPORT keeps the official entrypoint's init-time server (unix socket only) on the same port number.
      Env: [`POSTGRES_USER=${USER}`, `POSTGRES_PASSWORD=${password}`, `POSTGRES_DB=${DATABASE_NAME}`, `PGPORT=${port}`],
      Labels: containerLabels(options.runId, 'postgres'),
      HostConfig: {
        NetworkMode: 'host',
        ShmSize: SHM_BYTES,
        ...(options.cpus.length > 0 ? { CpusetCpus: options.cpus.join(',') } : {}),
        ...(options.memoryLimitBytes ? { Memory: options.memoryLimitBytes, MemorySwap: options.memoryLimitBytes } : {}),
      },
    });
  } catch (cause) {
    throw new BenchError('DOCKER', `cannot create the PostgreSQL container from ${options.image}: ${errorLine(cause)}`, { cause });
  }

  let stopping: Promise<void> | undefined;
  let health: HealthWatch | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      health?.stop();
      // SIGINT is PostgreSQL's fast shutdown: it ends open sessions. docker stop's SIGTERM is
      // the smart shutdown, which waits for clients and so always ran into the SIGKILL timeout.
      await container.kill({ signal: 'SIGINT' }).catch(() => undefined);
      await removeContainer(container);
    })();
    return stopping;
  };
  const unregister = onCleanup(`PostgreSQL container ${container.id.slice(0, 12)}`, stop);

  try {
    await container.start();
    const version = await waitUntilReady(container, url, port, options.startTimeoutS ?? DEFAULT_START_TIMEOUT_S);
    const info = await container.inspect();
    const cgroupPath = await containerCgroupPath(info.State.Pid, container.id);
    health = watchBySelect(url);
    return { kind: 'docker', url, version, cgroupPath, exited: health.exited, stop };
  } catch (cause) {
    const logs = await containerLogTail(container, 15);
    await stop().catch(() => undefined);
    if (cause instanceof BenchError && cause.code === 'DATABASE') {
      throw new BenchError('DATABASE', `${cause.message}${logs ? `\n${logs}` : ''}`, { cause: cause.cause, ...(cause.hint ? { hint: cause.hint } : {}) });
    }
    throw new BenchError(
      'DATABASE',
      `PostgreSQL container from ${options.image} did not start on 127.0.0.1:${port}: ${errorLine(cause)}${logs ? `\n${logs}` : ''}`,
      { cause },
    );
  }
}

/** Connects until the real server answers (the init-time server has no TCP listener); returns SELECT version(). */
async function waitUntilReady(container: Docker.Container, url: string, port: number, timeoutS: number): Promise<string> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const state = (await container.inspect()).State;
    if (!state.Running) {
      throw new BenchError('DATABASE', `PostgreSQL container exited (status ${state.ExitCode}) before accepting connections on 127.0.0.1:${port}`);
    }
    const client = new pg.Client({ connectionString: harnessConnectionString(url, 'ready'), connectionTimeoutMillis: 2000 });
    // A server shutting down mid-handshake emits 'error' besides rejecting connect().
    client.on('error', () => undefined);
    try {
      await client.connect();
      const result = await client.query<{ version: string }>('SELECT version() AS version');
      return result.rows[0]?.version ?? '';
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new BenchError(
    'DATABASE',
    `PostgreSQL in Docker did not accept connections on 127.0.0.1:${port} within ${timeoutS} s (last error: ${errorLine(lastError)})`,
    {
      cause: lastError,
      hint: 'a slow first start (initdb) may need more time; check `docker logs` of the container',
    },
  );
}

async function containerLogTail(container: Docker.Container, count: number): Promise<string> {
  try {
    const buffer = await container.logs({ stdout: true, stderr: true, follow: false, tail: count });
    return demuxDockerLogs(buffer).combined.trimEnd();
  } catch {
    return '';
  }
}
