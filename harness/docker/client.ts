import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import Docker from 'dockerode';
import { onCleanup } from '../cleanup.ts';
import { BenchError, errorLine } from '../errors.ts';
import { containerOutput } from './logs.ts';

/** Every container and image the harness makes carries this label, so leftovers can be found. */
export const LABEL = 'crossover-bench';
export const RUN_LABEL = 'crossover-bench.run';
export const APP_LABEL = 'crossover-bench.app';

/** Seconds `docker stop` waits before SIGKILL: the apps hold no state worth a graceful drain. */
const STOP_TIMEOUT_S = 2;
/** Seconds a throwaway probe container (python version, pip freeze) may run. */
const PROBE_TIMEOUT_S = 60;
/** A daemon that is up answers a ping in milliseconds; 5 s covers a loaded machine. */
const PING_TIMEOUT_MS = 5000;

/** A Docker API failure as a BenchError that quotes the daemon's answer. */
export function dockerError(message: string, cause: unknown, hint?: string): BenchError {
  return new BenchError('DOCKER', `${message}: ${errorLine(cause)}`, { cause, ...(hint ? { hint } : {}) });
}

/** The HTTP status of a Docker API error (404 missing, 304 not modified, 409 conflict). */
export function statusCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : undefined;
}

/**
 * A container's exit status as a process's: Docker reports a signal death as 128 + signal.
 */
export function exitFromStatusCode(statusCode: number | null): { code: number | null; signal: string | null } {
  if (statusCode === null) return { code: null, signal: null };
  if (statusCode > 128) {
    const entry = Object.entries(osConstants.signals).find(([, number]) => number === statusCode - 128);
    if (entry) return { code: null, signal: entry[0] };
  }
  return { code: statusCode, signal: null };
}

/** Labels every harness container gets. */
export function containerLabels(runId: string, app: string): Record<string, string> {
  return { [LABEL]: 'true', [RUN_LABEL]: runId, [APP_LABEL]: app };
}

/** Stops (short timeout) and removes a container with its anonymous volumes; a missing one is fine. */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.stop({ t: STOP_TIMEOUT_S });
  } catch (error) {
    // 304: already stopped; 404: already gone.
    if (statusCodeOf(error) !== 304 && statusCodeOf(error) !== 404) throw dockerError(`cannot stop container ${container.id.slice(0, 12)}`, error);
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    // 409: removal already in progress.
    if (statusCodeOf(error) !== 404 && statusCodeOf(error) !== 409) throw dockerError(`cannot remove container ${container.id.slice(0, 12)}`, error);
  }
}

/** Runs a command in a throwaway container (no network) and returns its output; always removes it. */
export async function runThrowaway(docker: Docker, image: string, argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Entrypoint: argv,
      Cmd: [],
      Labels: { [LABEL]: 'true', 'crossover-bench.throwaway': 'true' },
      HostConfig: { NetworkMode: 'none' },
    });
  } catch (cause) {
    throw dockerError(`cannot create a container from ${image} to run '${argv.join(' ')}'`, cause);
  }
  // Several builds probe and freeze at once: a Ctrl-C meanwhile must not leave their containers behind.
  const unregister = onCleanup(`throwaway container ${container.id.slice(0, 12)}`, () => removeQuietly(container));
  try {
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BenchError('DOCKER', `'${argv.join(' ')}' in ${image} did not finish within ${PROBE_TIMEOUT_S} s`)),
        PROBE_TIMEOUT_S * 1000,
      );
    });
    const status = (await Promise.race([container.wait(), timeout]).finally(() => clearTimeout(timer))) as { StatusCode: number };
    const output = await containerOutput(container);
    return { exitCode: status.StatusCode, stdout: output.stdout, stderr: output.stderr };
  } catch (cause) {
    if (cause instanceof BenchError) throw cause;
    throw dockerError(`running '${argv.join(' ')}' in ${image} failed`, cause);
  } finally {
    unregister();
    await removeQuietly(container);
  }
}

/** Removes a container whatever state it is in; one already gone or being removed is fine. */
async function removeQuietly(container: Docker.Container): Promise<void> {
  await container.remove({ force: true, v: true }).catch(() => undefined);
}

/** Removes containers labelled crossover-bench (of one run, when given); returns their ids. */
export async function removeLeftoverContainers(docker: Docker, runId?: string): Promise<string[]> {
  const label = runId ? [`${LABEL}=true`, `${RUN_LABEL}=${runId}`] : [`${LABEL}=true`];
  let found: Docker.ContainerInfo[];
  try {
    found = await docker.listContainers({ all: true, filters: { label } });
  } catch (cause) {
    throw dockerError('cannot list leftover containers', cause);
  }
  for (const info of found) await removeContainer(docker.getContainer(info.Id));
  return found.map((info) => info.Id);
}

/** Whether a Docker daemon answers, and a sentence saying which or why not (for `--runtime auto`); `at` names a given client's engine. */
export async function dockerAvailable(docker?: Docker, at?: string): Promise<{ ok: boolean; reason: string }> {
  const host = process.env.DOCKER_HOST;
  // A client made for another engine (--app-host) names it; the default one is DOCKER_HOST or the socket.
  const where = at ?? host ?? '/var/run/docker.sock';
  if (!docker && !host && !existsSync('/var/run/docker.sock')) {
    return { ok: false, reason: 'no Docker socket at /var/run/docker.sock and DOCKER_HOST is not set (is Docker installed and dockerd running?)' };
  }
  const client = docker ?? new Docker();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS);
    });
    await Promise.race([client.ping(), timeout]);
    const version = await Promise.race([client.version(), timeout]);
    return { ok: true, reason: `Docker daemon answered at ${where} (version ${version.Version})` };
  } catch (error) {
    return { ok: false, reason: `Docker daemon at ${where} does not answer: ${errorLine(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
