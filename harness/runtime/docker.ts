import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { onCleanup } from '../cleanup.ts';
import { withLock } from '../util/lock.ts';
import { BenchError, errorLine } from '../errors.ts';
import type { AppDefinition } from '../apps/manifest.ts';
import { REPO_ROOT } from '../paths.ts';
import { contentHash } from '../util/hash.ts';
import { parseFreeze } from '../util/freeze.ts';
import { launchSpec, type PreparedApp, type ResourceTarget, type RunningApp, type Runtime, type StartSpec } from './types.ts';
import { ensureWheelhouse, type WheelTarget } from './wheelhouse.ts';

export const DEFAULT_DOCKERFILE = path.join(REPO_ROOT, 'docker', 'app.Dockerfile');

/** Every container and image the harness makes carries this label, so leftovers can be found. */
export const LABEL = 'crossover-bench';
export const RUN_LABEL = 'crossover-bench.run';
export const APP_LABEL = 'crossover-bench.app';

/** Build log lines quoted in a failed build's error. */
const BUILD_TAIL_LINES = 20;
/** Seconds `docker stop` waits before SIGKILL: the apps hold no state worth a graceful drain. */
const STOP_TIMEOUT_S = 2;
/** Seconds a throwaway probe container (python version, pip freeze) may run. */
const PROBE_TIMEOUT_S = 60;
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
}

// ---------------------------------------------------------------- pure helpers

/** `crossover-bench/<app>:<first 16 hex of the content hash>`. */
export function imageTag(appName: string, hash: string): string {
  return `crossover-bench/${appName}:${hash.slice(0, 16)}`;
}

/** One JSON object of the build progress stream. */
export interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/** The build's log as lines, in order, errors included. */
export function buildLogLines(events: BuildEvent[]): string[] {
  const lines: string[] = [];
  for (const event of events) {
    const text = event.stream ?? event.status ?? '';
    for (const line of text.split('\n')) if (line.trim() !== '') lines.push(line.trimEnd());
    const error = event.error ?? event.errorDetail?.message;
    if (error) lines.push(`ERROR: ${error.trim()}`);
  }
  return lines;
}

/** The first error any event reports; a build stream can end "successfully" after one. */
export function buildError(events: BuildEvent[]): string | undefined {
  for (const event of events) {
    const error = event.error ?? event.errorDetail?.message;
    if (error) return error.trim();
  }
  return undefined;
}

/**
 * Splits Docker's multiplexed log format (no TTY): frames of an 8-byte header
 * [stream type, 0, 0, 0, payload size uint32 BE] then the payload.
 */
export function demuxDockerLogs(buffer: Buffer): { stdout: string; stderr: string; combined: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? err : out).push(payload);
    all.push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), combined: Buffer.concat(all).toString('utf8') };
}

/** Lines of text, blank trailing line dropped, last `count` kept. */
function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
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

/**
 * The cgroup v2 directory of a process, from the text of /proc/<pid>/cgroup (its `0::/path`
 * line) and where cgroup2 is mounted: /sys/fs/cgroup on a v2 host, /sys/fs/cgroup/unified on a
 * hybrid one. The resource sampler reads cgroup v2 files (cpu.stat, memory.current) there.
 */
export function cgroupPathFromProc(procCgroup: string, unifiedRoot: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    const match = /^0::(\/.*)$/.exec(line.trim());
    if (match?.[1]) return path.join(unifiedRoot, match[1]);
  }
  return undefined;
}

// ---------------------------------------------------------------- effects

function dockerError(message: string, cause: unknown, hint?: string): BenchError {
  return new BenchError('DOCKER', `${message}: ${errorLine(cause)}`, { cause, ...(hint ? { hint } : {}) });
}

function statusCodeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : undefined;
}

/** Where cgroup2 is mounted: the whole tree (v2 host) or /sys/fs/cgroup/unified (hybrid v1+v2 host). */
function unifiedCgroupRoot(): string | undefined {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return '/sys/fs/cgroup';
  if (existsSync('/sys/fs/cgroup/unified/cgroup.controllers')) return '/sys/fs/cgroup/unified';
  return undefined;
}

/**
 * Finds the host cgroup v2 directory of a running container's main process. With dockerd's
 * cgroupfs driver that is <root>/docker/<container id>; with the systemd driver
 * <root>/system.slice/docker-<id>.scope. On a hybrid host the memory controller stays in v1
 * (<v1 root>/memory/docker/<id>), so only cpu.stat is complete in the v2 directory.
 */
export async function containerCgroupPath(pid: number, containerId: string): Promise<string> {
  const short = containerId.slice(0, 12);
  const root = unifiedCgroupRoot();
  if (!root) {
    throw new BenchError('DOCKER', `no cgroup v2 hierarchy on this host (looked for /sys/fs/cgroup/cgroup.controllers and /sys/fs/cgroup/unified/), so container ${short} cannot be sampled`, {
      hint: 'boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) or use --runtime local',
    });
  }
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  } catch (cause) {
    throw new BenchError('DOCKER', `cannot read /proc/${pid}/cgroup of container ${short}`, {
      cause,
      hint: 'the harness must run on the Docker host (not in another container) to sample the app\'s CPU and memory',
    });
  }
  const found = cgroupPathFromProc(text, root);
  if (!found || !existsSync(path.join(found, 'cpu.stat'))) {
    throw new BenchError('DOCKER', `no cgroup v2 directory with cpu.stat for container ${short} (pid ${pid}) under ${root}; /proc/${pid}/cgroup says:\n${text.trim()}`);
  }
  return found;
}

/** Reads a whole container's output (stdout and stderr), demultiplexed. */
async function containerOutput(container: Docker.Container, tail?: number): Promise<{ stdout: string; stderr: string; combined: string }> {
  const buffer = await container.logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail } : {}) });
  return demuxDockerLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer as unknown as string));
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
  try {
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BenchError('DOCKER', `'${argv.join(' ')}' in ${image} did not finish within ${PROBE_TIMEOUT_S} s`)), PROBE_TIMEOUT_S * 1000);
    });
    const status = (await Promise.race([container.wait(), timeout]).finally(() => clearTimeout(timer))) as { StatusCode: number };
    const output = await containerOutput(container);
    return { exitCode: status.StatusCode, stdout: output.stdout, stderr: output.stderr };
  } catch (cause) {
    if (cause instanceof BenchError) throw cause;
    throw dockerError(`running '${argv.join(' ')}' in ${image} failed`, cause);
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Python version, glibc version and machine of an image's python3. */
const PROBE_SCRIPT =
  'import json, os, platform; ' +
  'print(json.dumps({"python": platform.python_version(), "libc": os.confstr("CS_GNU_LIBC_VERSION") or "", "machine": platform.machine()}))';

export async function probeImagePython(docker: Docker, image: string, python = 'python3'): Promise<WheelTarget> {
  const result = await runThrowaway(docker, image, [python, '-c', PROBE_SCRIPT]);
  if (result.exitCode !== 0) {
    throw new BenchError('DOCKER', `'${python}' does not run in ${image} (exit ${result.exitCode}): ${lastLines(result.stderr, 5).join(' | ')}`, {
      hint: 'the base image needs python3 with venv (python:3.13-slim, or crossover-base:trixie from docker/build-base-image.sh)',
    });
  }
  let parsed: { python?: unknown; libc?: unknown; machine?: unknown };
  try {
    parsed = JSON.parse(result.stdout.trim()) as typeof parsed;
  } catch (cause) {
    throw new BenchError('DOCKER', `unexpected probe output from ${image}: ${result.stdout.slice(0, 200)}`, { cause });
  }
  const libc = /^glibc (\d+\.\d+)/.exec(String(parsed.libc ?? ''));
  if (!libc?.[1]) {
    throw new BenchError('DOCKER', `${image} does not use glibc (${String(parsed.libc) || 'unknown libc'})`, { hint: 'use a Debian-based image; musl images need musllinux wheels' });
  }
  return { pythonVersion: String(parsed.python), glibcVersion: libc[1], machine: String(parsed.machine) };
}

/** Reads the build progress stream to its end; a stream error rejects, build errors are left in the events. */
function collectBuildEvents(stream: NodeJS.ReadableStream, onEvent: (event: BuildEvent) => void): Promise<BuildEvent[]> {
  return new Promise((resolve, reject) => {
    const events: BuildEvent[] = [];
    let pending = '';
    const take = (line: string): void => {
      if (line.trim() === '') return;
      let event: BuildEvent;
      try {
        event = JSON.parse(line) as BuildEvent;
      } catch {
        // Not JSON: keep it as log text rather than losing it.
        event = { stream: line };
      }
      events.push(event);
      onEvent(event);
    };
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        take(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      take(pending);
      resolve(events);
    });
  });
}

const COPY_IGNORED = new Set(['__pycache__', '.venv', 'node_modules', '.pytest_cache']);

export interface BuildContextFiles {
  dockerfilePath: string;
  requirementsPath: string;
  appDir: string;
  wheelhouseDir: string;
}

/** Lays out the build context (Dockerfile, requirements.txt, wheels/, app/) in a fresh folder. */
async function stageBuildContext(files: BuildContextFiles, parent: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, 'ctx-'));
  await cp(files.dockerfilePath, path.join(dir, 'Dockerfile'));
  await cp(files.requirementsPath, path.join(dir, 'requirements.txt'));
  await cp(files.wheelhouseDir, path.join(dir, 'wheels'), { recursive: true });
  await cp(files.appDir, path.join(dir, 'app'), {
    recursive: true,
    filter: (source) => !COPY_IGNORED.has(path.basename(source)) && !source.endsWith('.pyc'),
  });
  return dir;
}

/**
 * Builds an image from a staged context with the daemon's builder and fails on ANY error
 * event: the stream of a failed RUN step still ends normally.
 */
export async function buildImageFromContext(
  docker: Docker,
  contextDir: string,
  options: { tag: string; buildargs: Record<string, string>; labels: Record<string, string>; log: (line: string) => void },
): Promise<void> {
  const src = await readdir(contextDir);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage({ context: contextDir, src }, { t: options.tag, buildargs: options.buildargs, labels: options.labels, rm: true, forcerm: true });
  } catch (cause) {
    throw dockerError(`docker build of ${options.tag} could not start`, cause);
  }
  let events: BuildEvent[];
  try {
    // Only the step headers are shown as progress; the whole log is kept for a failure message.
    events = await collectBuildEvents(stream, (event) => {
      for (const line of buildLogLines([event])) if (/^Step \d+\/\d+ : /.test(line)) options.log(`  ${line.slice(0, 100)}`);
    });
  } catch (cause) {
    throw dockerError(`docker build of ${options.tag} was interrupted`, cause);
  }
  const failure = buildError(events);
  if (failure) {
    throw new BenchError('DOCKER', `docker build of ${options.tag} failed: ${failure}\n${buildLogLines(events).slice(-BUILD_TAIL_LINES).join('\n')}`, {
      hint: 'the message ends with the last lines of the build log; the failing step is the last "Step N/M" before ERROR',
    });
  }
  try {
    await docker.getImage(options.tag).inspect();
  } catch (cause) {
    throw new BenchError('DOCKER', `docker build of ${options.tag} reported no error but produced no image\n${buildLogLines(events).slice(-BUILD_TAIL_LINES).join('\n')}`, { cause });
  }
}

/** What is recorded about a built image, kept next to the cache so a reused image costs no container run. */
interface ImageFacts {
  imageId: string;
  pythonVersion: string;
  packages: Record<string, string>;
}

const FREEZE_SCRIPT =
  'import json, platform, subprocess, sys; ' +
  'freeze = subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout; ' +
  'print(json.dumps({"python": platform.python_version(), "freeze": freeze}))';

async function readImageFacts(docker: Docker, image: string, imageId: string): Promise<ImageFacts> {
  const result = await runThrowaway(docker, image, ['/venv/bin/python', '-c', FREEZE_SCRIPT]);
  if (result.exitCode !== 0) {
    throw new BenchError('DOCKER', `pip freeze in ${image} failed (exit ${result.exitCode}): ${lastLines(result.stderr, 10).join('\n')}`);
  }
  const parsed = JSON.parse(result.stdout.trim()) as { python: string; freeze: string };
  return { imageId, pythonVersion: parsed.python, packages: parseFreeze(parsed.freeze) };
}

async function loadImageFacts(docker: Docker, image: string, imageId: string, factsDir: string): Promise<ImageFacts> {
  const file = path.join(factsDir, `${imageId.replace(/^sha256:/, '')}.json`);
  try {
    const facts = JSON.parse(await readFile(file, 'utf8')) as ImageFacts;
    if (facts.imageId === imageId && typeof facts.pythonVersion === 'string' && typeof facts.packages === 'object') return facts;
  } catch {
    // Missing or unreadable: ask the image again.
  }
  const facts = await readImageFacts(docker, image, imageId);
  await mkdir(factsDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(facts, null, 2)}\n`);
  return facts;
}

export async function imageId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw dockerError(`cannot inspect image ${image}`, error);
  }
}

export async function requireImage(docker: Docker, image: string, hint: string): Promise<string> {
  const id = await imageId(docker, image);
  if (!id) throw new BenchError('DOCKER', `image ${image} is not available locally`, { hint });
  return id;
}

export function baseImageHint(image: string): string {
  return image.startsWith('crossover-')
    ? 'build it offline with: sudo docker/build-base-image.sh'
    : `pull it with: docker pull ${image} (or use --base-image crossover-base:trixie, built offline by docker/build-base-image.sh)`;
}

/** Labels every harness container gets. */
export function containerLabels(runId: string, app: string): Record<string, string> {
  return { [LABEL]: 'true', [RUN_LABEL]: runId, [APP_LABEL]: app };
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

/** Whether a Docker daemon answers, and a sentence saying which or why not (for `--runtime auto`). */
export async function dockerAvailable(docker?: Docker): Promise<{ ok: boolean; reason: string }> {
  const host = process.env.DOCKER_HOST;
  const where = host ?? '/var/run/docker.sock';
  if (!docker && !host && !existsSync('/var/run/docker.sock')) {
    return { ok: false, reason: 'no Docker socket at /var/run/docker.sock and DOCKER_HOST is not set (is Docker installed and dockerd running?)' };
  }
  const client = docker ?? new Docker();
  // A daemon that is up answers a ping in milliseconds; 5 s covers a loaded machine.
  const PING_TIMEOUT_MS = 5000;
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

// ---------------------------------------------------------------- the runtime

export function createDockerRuntime(options: DockerRuntimeOptions): Runtime {
  const docker = options.docker ?? new Docker();
  const dockerfilePath = options.dockerfilePath ?? DEFAULT_DOCKERFILE;
  const started = new Set<RunningApp>();

  /** Two runs preparing the same app's image take turns; the second then finds it built (docs/faults.md). */
  async function prepare(app: AppDefinition, log: (line: string) => void): Promise<PreparedApp> {
    const lockFile = path.join(options.cacheDir, 'locks', `docker-build-${app.name}.lock`);
    const onWait = (pid: number) => log(`${app.name}: waiting for another run building the ${app.name} image (pid ${pid}, lock ${lockFile})`);
    return withLock(lockFile, { what: `the ${app.name} image build`, errorCode: 'DOCKER', onWait }, () => prepareUnlocked(app, log));
  }

  async function prepareUnlocked(app: AppDefinition, log: (line: string) => void): Promise<PreparedApp> {
    const startedAt = performance.now();
    const baseImageId = await requireImage(docker, options.baseImage, baseImageHint(options.baseImage));
    const hash = await contentHash([app.dir, app.requirementsPath, dockerfilePath], [`base ${baseImageId}`]);
    const tag = imageTag(app.name, hash);
    const factsDir = path.join(options.cacheDir, 'docker-images');

    const existing = await imageId(docker, tag);
    if (existing) {
      const facts = await loadImageFacts(docker, tag, existing, factsDir);
      log(`image ${tag} (${existing.slice(7, 19)}) is up to date`);
      return { app, pythonVersion: facts.pythonVersion, packages: facts.packages, imageId: existing, baseImage: options.baseImage, prepareS: 0, cached: true };
    }

    log(`building ${tag} from ${options.baseImage}`);
    const target = await probeImagePython(docker, options.baseImage);
    log(`${options.baseImage}: Python ${target.pythonVersion}, glibc ${target.glibcVersion}, ${target.machine}`);
    const wheelhouse = await ensureWheelhouse({
      requirementsPath: app.requirementsPath,
      target,
      cacheDir: path.join(options.cacheDir, 'wheelhouse'),
      hostPython: options.hostPython,
      log,
    });
    const contextDir = await stageBuildContext(
      { dockerfilePath, requirementsPath: app.requirementsPath, appDir: app.dir, wheelhouseDir: wheelhouse.dir },
      path.join(options.cacheDir, 'docker-context'),
    );
    try {
      await buildImageFromContext(docker, contextDir, {
        tag,
        buildargs: { BASE_IMAGE: options.baseImage },
        labels: { [LABEL]: 'true', [APP_LABEL]: app.name, 'crossover-bench.base-image-id': baseImageId },
        log,
      });
    } finally {
      await rm(contextDir, { recursive: true, force: true }).catch((error: unknown) => options.log(`warning: cannot remove ${contextDir}: ${errorLine(error)}`));
    }
    const builtId = await requireImage(docker, tag, 'the build just finished; check `docker images`');
    const facts = await loadImageFacts(docker, tag, builtId, factsDir);
    const prepareS = (performance.now() - startedAt) / 1000;
    log(`built ${tag} (${builtId.slice(7, 19)}) in ${prepareS.toFixed(1)} s`);
    return { app, pythonVersion: facts.pythonVersion, packages: facts.packages, imageId: builtId, baseImage: options.baseImage, prepareS, cached: false };
  }

  async function start(spec: StartSpec): Promise<RunningApp> {
    const app = spec.prepared.app;
    const image = spec.prepared.imageId;
    if (!image) throw new BenchError('DOCKER', `app '${app.name}' was not prepared by the Docker runtime (no image id)`);
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
      resourceTarget = { kind: 'cgroup', path: await containerCgroupPath(info.State.Pid, container.id) };
    } catch (cause) {
      const logs = await containerOutput(container, 20).then((output) => lastLines(output.combined, 20)).catch(() => []);
      await removeContainer(container).catch((error: unknown) => options.log(`warning: ${errorLine(error)}`));
      unregisterEarly();
      if (cause instanceof BenchError) {
        throw new BenchError(cause.code, `${cause.message}${logs.length ? `\n${logs.join('\n')}` : ''}`, { cause: cause.cause, ...(cause.hint ? { hint: cause.hint } : {}) });
      }
      throw new BenchError('DOCKER', `container of '${app.name}' did not start: ${errorLine(cause)}${logs.length ? `\n${logs.join('\n')}` : ''}`, { cause });
    }

    let keptLogs: string[] | undefined;
    let stopping: Promise<void> | undefined;
    const running: RunningApp = {
      baseUrl: `http://127.0.0.1:${spec.port}`,
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
