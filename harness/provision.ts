import { execa } from 'execa';
import type { RunConfig } from './config/options.ts';
import type { CpuLayout } from './cpu/layout.ts';
import { startEmbeddedDatabase } from './db/embedded.ts';
import { ensureWorld, redactUrl } from './db/seed.ts';
import type { Database } from './db/types.ts';
import { BenchError } from './errors.ts';
import { CACHE_DIR } from './paths.ts';
import { findPython, type PythonInfo } from './python/discover.ts';
import Docker from 'dockerode';
import { DEFAULT_BASE_IMAGE, DEFAULT_DB_IMAGE, OFFLINE_BASE_IMAGE, OFFLINE_DB_IMAGE } from './config/options.ts';
import { createDockerRuntime, dockerAvailable, imageId } from './runtime/docker.ts';
import { createLocalRuntime } from './runtime/local.ts';
import type { Runtime } from './runtime/types.ts';
import { startDockerDatabase } from './db/docker.ts';
import { urlDatabase } from './db/health.ts';
import path from 'node:path';

/** Memory cap per app container: generous for a Python app, small enough to catch a leak. */
const APP_MEMORY_LIMIT_BYTES = 2 * 2 ** 30;

export async function hasTaskset(): Promise<boolean> {
  const r = await execa('taskset', ['-p', String(process.pid)], { reject: false });
  return r.exitCode === 0;
}

export interface ChosenRuntime {
  runtime: Runtime;
  kind: 'local' | 'docker';
  reason: string;
  python?: PythonInfo | undefined;
  baseImage?: string | undefined;
}

/**
 * The image to use: the one asked for, else the registry default when it is present
 * locally, else the offline one when it is; undefined when neither is there.
 */
export async function pickImage(explicit: string | undefined, registryDefault: string, offline: string): Promise<string | undefined> {
  if (explicit) return explicit;
  const docker = new Docker();
  if (await imageId(docker, registryDefault)) return registryDefault;
  if (await imageId(docker, offline)) return offline;
  return undefined;
}

/**
 * `auto`: Docker when a daemon answers and a base image is at hand (no registry is
 * assumed), otherwise local virtualenvs. The choice and its reason go into the results.
 */
export async function chooseRuntime(
  config: Pick<RunConfig, 'runtime' | 'python' | 'baseImage'>,
  pin: boolean,
  log: (line: string) => void,
): Promise<ChosenRuntime> {
  let kind: 'local' | 'docker' = config.runtime === 'auto' ? 'local' : config.runtime;
  let reason = `--runtime ${config.runtime}`;
  let baseImage: string | undefined;
  if (config.runtime !== 'local') {
    const docker = await dockerAvailable();
    if (config.runtime === 'docker' && !docker.ok) {
      throw new BenchError('DOCKER', `--runtime docker: ${docker.reason}`, { hint: 'start dockerd, or use --runtime local' });
    }
    baseImage = docker.ok ? await pickImage(config.baseImage, DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE) : undefined;
    if (config.runtime === 'auto') {
      kind = docker.ok && baseImage ? 'docker' : 'local';
      reason = !docker.ok
        ? `auto: ${docker.reason}; using local virtualenvs`
        : baseImage
          ? `auto: ${docker.reason}; base image ${baseImage}`
          : `auto: ${docker.reason}, but neither ${DEFAULT_BASE_IMAGE} nor ${OFFLINE_BASE_IMAGE} is present locally; using local virtualenvs (docker pull ${DEFAULT_BASE_IMAGE} or docker/build-base-image.sh to benchmark containers)`;
    } else {
      baseImage ??= DEFAULT_BASE_IMAGE;
      reason = `--runtime docker: ${docker.reason}; base image ${baseImage}`;
    }
  }
  // The host interpreter runs the apps (local) or downloads wheels for the images (docker).
  const python = await findPython(config.python);
  if (kind === 'docker') {
    return {
      kind,
      reason,
      python,
      baseImage,
      runtime: createDockerRuntime({
        baseImage: baseImage ?? DEFAULT_BASE_IMAGE,
        memoryLimitBytes: APP_MEMORY_LIMIT_BYTES,
        cacheDir: CACHE_DIR,
        hostPython: python.path,
        log,
      }),
    };
  }
  return { kind, reason, python, runtime: createLocalRuntime({ python, cacheDir: path.join(CACHE_DIR, 'venvs'), pin }) };
}

export interface ProvisionedDatabase {
  database: Database;
  version: string;
  seeded: boolean;
  /** --db docker only. */
  image?: string | undefined;
}

/** Starts (embedded, docker) or reaches (URL) PostgreSQL and makes sure `world` is seeded. */
export async function provisionDatabase(config: Pick<RunConfig, 'db' | 'dbImage'>, layout: CpuLayout, runId: string): Promise<ProvisionedDatabase> {
  let database: Database;
  let image: string | undefined;
  if (config.db === 'embedded') database = await startEmbeddedDatabase({ cpus: layout.dbCpus });
  else if (config.db === 'docker') {
    image = (await pickImage(config.dbImage, DEFAULT_DB_IMAGE, OFFLINE_DB_IMAGE)) ?? DEFAULT_DB_IMAGE;
    database = await startDockerDatabase({ image, cpus: layout.dbCpus, runId });
  }
  else database = urlDatabase(config.db);
  try {
    const { seeded, version } = await ensureWorld(database.url);
    return { database, version, seeded, image };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

export { redactUrl };
