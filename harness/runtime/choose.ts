import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, type RunConfig } from '../config/options.ts';
import { dockerAvailable, dockerError } from '../docker/client.ts';
import { pickImage } from '../docker/images.ts';
import { BenchError } from '../errors.ts';
import { parseAppHost } from '../net/app-host.ts';
import { type DockerEngine, dockerOptions, type EngineTls } from '../net/docker-engine.ts';
import { CACHE_DIR } from '../paths.ts';
import { findPython, type PythonInfo, type PythonNeed } from '../python/discover.ts';
import { createDockerRuntime } from './docker.ts';
import { createLocalRuntime } from './local.ts';
import type { Runtime } from './types.ts';

/** Memory cap per app container: generous for a Python app, small enough to catch a leak. */
const APP_MEMORY_LIMIT_BYTES = 2 * 2 ** 30;

/** Whether `taskset` works here, so each party can be pinned to its CPUs. */
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
  /** A remote engine's CPU count (`docker info` NCPU): its apps are pinned to its own cores. */
  engineCpuCount?: number | undefined;
}

/**
 * `auto`: Docker when a daemon answers and a base image is at hand (no registry is
 * assumed), otherwise local virtualenvs. The choice and its reason go into the results.
 */
export async function chooseRuntime(
  config: Pick<RunConfig, 'runtime' | 'python' | 'baseImage'> & { appHost?: string | undefined },
  pin: boolean,
  log: (line: string) => void,
  /** What the selected apps need of the interpreter (their manifests' requiresPython). */
  pythonNeed: PythonNeed,
): Promise<ChosenRuntime> {
  const appHost = parseAppHost(config.appHost);
  // --app-host ssh:// or tcp://: the apps run on that engine (docs/network.md, "Three hosts").
  const engine = appHost.kind === 'docker-engine' ? appHost.engine : undefined;
  if (engine && config.runtime === 'local')
    throw new BenchError('USAGE', `--app-host ${engine.url} is a Docker engine; it cannot run --runtime local apps`, { hint: 'use --runtime docker' });
  const client = engine ? new Docker(dockerOptions(engine, engineTls(engine))) : undefined;
  let kind: 'local' | 'docker' = engine ? 'docker' : config.runtime === 'auto' ? 'local' : config.runtime;
  let reason = `--runtime ${config.runtime}`;
  let baseImage: string | undefined;
  if (kind === 'docker' || config.runtime !== 'local') {
    const docker = await dockerAvailable(client, engine?.url);
    if (engine && !docker.ok)
      throw new BenchError('DOCKER', `--app-host ${engine.url}: ${docker.reason}`, {
        hint: `check that the engine answers: DOCKER_HOST=${engine.url} docker version`,
      });
    if (config.runtime === 'docker' && !docker.ok) {
      throw new BenchError('DOCKER', `--runtime docker: ${docker.reason}`, { hint: 'start dockerd, or use --runtime local' });
    }
    baseImage = docker.ok ? await pickImage(config.baseImage, DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, client) : undefined;
    if (config.runtime === 'auto' && !engine) {
      kind = docker.ok && baseImage ? 'docker' : 'local';
      reason = !docker.ok
        ? `auto: ${docker.reason}; using local virtualenvs`
        : baseImage
          ? `auto: ${docker.reason}; base image ${baseImage}`
          : `auto: ${docker.reason}, but neither ${DEFAULT_BASE_IMAGE} nor ${OFFLINE_BASE_IMAGE} is present locally; using local virtualenvs (docker pull ${DEFAULT_BASE_IMAGE} or docker/build-base-image.sh to benchmark containers)`;
    } else {
      baseImage ??= DEFAULT_BASE_IMAGE;
      reason = `${engine ? `--app-host ${engine.url}` : '--runtime docker'}: ${docker.reason}; base image ${baseImage}`;
    }
  }
  // The host interpreter runs the apps (local) or downloads wheels for the images (docker).
  const python = await findPython(config.python, pythonNeed);
  if (kind === 'docker') {
    return {
      kind,
      reason,
      python,
      baseImage,
      engineCpuCount: client && engine ? await engineCpuCount(client, engine) : undefined,
      runtime: createDockerRuntime({
        baseImage: baseImage ?? DEFAULT_BASE_IMAGE,
        memoryLimitBytes: APP_MEMORY_LIMIT_BYTES,
        cacheDir: CACHE_DIR,
        hostPython: python.path,
        log,
        docker: client,
        remote: engine !== undefined,
      }),
    };
  }
  return { kind, reason, python, runtime: createLocalRuntime({ python, cacheDir: path.join(CACHE_DIR, 'venvs'), pin }) };
}

/** TLS files of a `tcp://` engine from DOCKER_CERT_PATH (Docker's own convention); none for ssh or plain HTTP. */
function engineTls(engine: DockerEngine): EngineTls | undefined {
  const dir = process.env.DOCKER_CERT_PATH;
  if (engine.protocol !== 'https' || !dir) return undefined;
  const file = (name: string) => {
    const p = path.join(dir, name);
    if (!existsSync(p))
      throw new BenchError('DOCKER', `--app-host ${engine.url}: DOCKER_CERT_PATH has no ${name} (${p})`, {
        hint: 'DOCKER_CERT_PATH must hold ca.pem, cert.pem and key.pem',
      });
    return readFileSync(p, 'utf8');
  };
  return { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') };
}

/** How many CPUs the engine's machine has, from `docker info`. */
async function engineCpuCount(client: Docker, engine: DockerEngine): Promise<number> {
  try {
    const info = (await client.info()) as { NCPU?: unknown };
    if (typeof info.NCPU === 'number' && info.NCPU > 0) return info.NCPU;
  } catch (cause) {
    throw dockerError(`--app-host ${engine.url}: docker info failed`, cause);
  }
  throw new BenchError('DOCKER', `--app-host ${engine.url}: docker info names no CPU count (NCPU)`);
}
