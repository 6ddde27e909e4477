import path from 'node:path';
import Docker from 'dockerode';
import type { AppDefinition } from '../apps/manifest.ts';
import { onCleanup } from '../cleanup.ts';
import { containerCgroupPath } from '../docker/cgroups.ts';
import { containerLabels, dockerError, exitFromStatusCode, removeContainer } from '../docker/client.ts';
import { containerOutput, lastLines } from '../docker/logs.ts';
import { BenchError, errorLine } from '../errors.ts';
import { dockerStatsReader } from '../net/docker-engine.ts';
import { REPO_ROOT } from '../paths.ts';
import { withLock } from '../util/lock.ts';
import { prepareAppImage, probeImagePython } from './docker-image.ts';
import { appBaseUrl, DEFAULT_APP_HOST, launchSpec, type PreparedApp, type ResourceTarget, type RunningApp, type Runtime, type StartSpec } from './types.ts';
import type { WheelTarget } from './wheelhouse.ts';

export const DEFAULT_DOCKERFILE = path.join(REPO_ROOT, 'docker', 'app.Dockerfile');

/** Log lines kept when a container is removed, so lastLogLines() still answers after stop(). */
const KEPT_LOG_LINES = 200;

export interface DockerRuntimeOptions {
  /** Image the app images are built FROM: python:3.13-slim, or crossover-base:trixie offline. */
  baseImage: string;
  /** Memory cap of each app container (swap disabled too); undefined for none. */
  memoryLimitBytes?: number | undefined;
  /** The repo's .cache folder: wheelhouses and recorded image facts live under it. */
  cacheDir: string;
  /** Host interpreter that downloads the wheels (pip download). */
  hostPython: string;
  /** Warnings from cleanup (never thrown). */
  log: (line: string) => void;
  /** Defaults to docker/app.Dockerfile. */
  dockerfilePath?: string | undefined;
  /** Defaults to the local daemon (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker | undefined;
  /**
   * The engine runs on another machine (--app-host ssh://, tcp://): its cgroup files are
   * not here, so containers are sampled through its stats API. Tested over tcp:// against a
   * second engine in a network namespace (tests/integration/remote-engine.test.ts).
   */
  remote?: boolean | undefined;
}

/** Apps as containers on the host network, pinned with CpusetCpus and sampled through their cgroup. */
export function createDockerRuntime(options: DockerRuntimeOptions): Runtime {
  const docker = options.docker ?? new Docker();
  const dockerfilePath = options.dockerfilePath ?? DEFAULT_DOCKERFILE;
  const started = new Set<RunningApp>();
  // The base image is the same for every app: one probe container serves all the builds of a run.
  const targets = new Map<string, Promise<WheelTarget>>();
  const wheelTarget = (baseImageId: string): Promise<WheelTarget> => {
    let target = targets.get(baseImageId);
    if (!target) {
      target = probeImagePython(docker, options.baseImage);
      targets.set(baseImageId, target);
      // A failed probe is asked again by the next build rather than failing it with a stale error.
      target.catch(() => targets.delete(baseImageId));
    }
    return target;
  };

  /** One build of an app's image at a time across runs (docs/faults.md): the second run waits and says so. */
  function prepare(app: AppDefinition, log: (line: string) => void): Promise<PreparedApp> {
    const lockFile = path.join(options.cacheDir, 'locks', `docker-build-${app.name}.lock`);
    const onWait = (pid: number) => log(`${app.name}: waiting for another run building the ${app.name} image (pid ${pid}, lock ${lockFile})`);
    return withLock(lockFile, { what: `the ${app.name} image build`, errorCode: 'DOCKER', onWait }, () => prepareUnlocked(app, log));
  }

  function prepareUnlocked(app: AppDefinition, log: (line: string) => void): Promise<PreparedApp> {
    return prepareAppImage(
      docker,
      app,
      { baseImage: options.baseImage, cacheDir: options.cacheDir, hostPython: options.hostPython, dockerfilePath, warn: options.log, wheelTarget },
      log,
    );
  }

  async function start(spec: StartSpec): Promise<RunningApp> {
    const app = spec.prepared.app;
    const image = spec.prepared.imageId;
    if (!image) throw new BenchError('DOCKER', `app '${app.name}' was not prepared by the Docker runtime (no image id)`);
    if (spec.netns)
      throw new BenchError('USAGE', `app '${app.name}': the Docker runtime does not start apps in a network namespace (${spec.netns})`, {
        hint: 'use --runtime local with --app-host netns',
      });
    const { argv, env } = launchSpec(spec);

    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        Image: image,
        Cmd: argv,
        Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
        Labels: containerLabels(spec.runId, app.name),
        HostConfig: {
          // Host networking: no NAT or veth between the load generator and the app, as with local processes.
          NetworkMode: 'host',
          CpusetCpus: spec.cpus.join(','),
          ...(options.memoryLimitBytes ? { Memory: options.memoryLimitBytes, MemorySwap: options.memoryLimitBytes } : {}),
        },
      });
    } catch (cause) {
      throw dockerError(`cannot create the container of '${app.name}' from ${image.slice(0, 19)}`, cause);
    }
    // Registered at once: a Ctrl-C between create and start must not leave a host-network container behind.
    const unregisterEarly = onCleanup(`new container of '${app.name}' (${container.id.slice(0, 12)})`, () => removeContainer(container));

    let resourceTarget: ResourceTarget;
    let exited: RunningApp['exited'];
    try {
      await container.start();
      exited = container
        .wait()
        .then((status: { StatusCode?: number }) => exitFromStatusCode(status.StatusCode ?? null))
        .catch(() => ({ code: null, signal: null }));
      const info = await container.inspect();
      if (!info.State.Running) {
        const exit = exitFromStatusCode(info.State.ExitCode);
        throw new BenchError('APP_START', `container of '${app.name}' exited at once (${exit.signal ?? `exit code ${exit.code}`})`, {
          hint: `check the manifest command: ${app.command.join(' ')}`,
        });
      }
      resourceTarget = options.remote
        ? { kind: 'reader', read: dockerStatsReader(container) }
        : { kind: 'cgroup', path: await containerCgroupPath(info.State.Pid, container.id) };
    } catch (cause) {
      const logs = await containerOutput(container, 20)
        .then((output) => lastLines(output.combined, 20))
        .catch(() => []);
      await removeContainer(container).catch((error: unknown) => options.log(`warning: ${errorLine(error)}`));
      unregisterEarly();
      if (cause instanceof BenchError) {
        throw new BenchError(cause.code, `${cause.message}${logs.length ? `\n${logs.join('\n')}` : ''}`, {
          cause: cause.cause,
          ...(cause.hint ? { hint: cause.hint } : {}),
        });
      }
      throw new BenchError('DOCKER', `container of '${app.name}' did not start: ${errorLine(cause)}${logs.length ? `\n${logs.join('\n')}` : ''}`, { cause });
    }

    let keptLogs: string[] | undefined;
    let stopping: Promise<void> | undefined;
    const running: RunningApp = {
      baseUrl: appBaseUrl(spec.host ?? DEFAULT_APP_HOST, spec.port),
      resourceTarget,
      exited,
      async lastLogLines(count = 50) {
        if (keptLogs) return keptLogs.slice(-count);
        try {
          return lastLines((await containerOutput(container, count)).combined, count);
        } catch (error) {
          return [`(no logs from container ${container.id.slice(0, 12)}: ${errorLine(error)})`];
        }
      },
      stop() {
        stopping ??= (async () => {
          unregister();
          keptLogs = await running.lastLogLines(KEPT_LOG_LINES);
          await removeContainer(container);
          started.delete(running);
        })();
        return stopping;
      },
    };
    started.add(running);
    // The safety net for Ctrl-C and crashes; the orchestrator's finally blocks call stop() first.
    unregisterEarly();
    const unregister = onCleanup(`container of '${app.name}' (${container.id.slice(0, 12)})`, () => running.stop());
    return running;
  }

  async function close(): Promise<void> {
    for (const running of [...started]) {
      await running.stop().catch((error: unknown) => options.log(`warning: ${errorLine(error)}`));
    }
  }

  return { kind: 'docker', prepare, start, close };
}
