import path from 'node:path';
import { execa } from 'execa';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, type RunConfig } from '../config/options.ts';
import { dockerAvailable } from '../docker/client.ts';
import { pickImage } from '../docker/images.ts';
import { BenchError } from '../errors.ts';
import { CACHE_DIR } from '../paths.ts';
import { findPython, type PythonInfo } from '../python/discover.ts';
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
