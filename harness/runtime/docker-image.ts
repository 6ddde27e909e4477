import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import type { AppDefinition } from '../apps/manifest.ts';
import { buildImageFromContext } from '../docker/build.ts';
import { APP_LABEL, LABEL, runThrowaway } from '../docker/client.ts';
import { baseImageHint, imageId, imageTag, requireImage } from '../docker/images.ts';
import { lastLines } from '../docker/logs.ts';
import { BenchError, errorLine } from '../errors.ts';
import { parseFreeze } from '../util/freeze.ts';
import { contentHash } from '../util/hash.ts';
import { isAlive } from '../util/process.ts';
import type { PreparedApp } from './types.ts';
import { ensureWheelhouse, type WheelTarget } from './wheelhouse.ts';

/** What building an app's image needs to know. */
export interface AppImageOptions {
  /** Image the app images are built FROM. */
  baseImage: string;
  /** The repo's .cache folder: wheelhouses and recorded image facts live under it. */
  cacheDir: string;
  /** Host interpreter that downloads the wheels (pip download). */
  hostPython: string;
  dockerfilePath: string;
  /** Warnings from cleanup (never thrown). */
  warn: (line: string) => void;
  /** The base image's Python and platform by image id; defaults to a probe container per build. */
  wheelTarget?: ((baseImageId: string) => Promise<WheelTarget>) | undefined;
}

/** Python version, glibc version and machine of an image's python3. */
const PROBE_SCRIPT =
  'import json, os, platform; ' +
  'print(json.dumps({"python": platform.python_version(), "libc": os.confstr("CS_GNU_LIBC_VERSION") or "", "machine": platform.machine()}))';

/** What the wheelhouse must match: the image's Python, glibc and machine. */
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
    throw new BenchError('DOCKER', `${image} does not use glibc (${String(parsed.libc) || 'unknown libc'})`, {
      hint: 'use a Debian-based image; musl images need musllinux wheels',
    });
  }
  return { pythonVersion: String(parsed.python), glibcVersion: libc[1], machine: String(parsed.machine) };
}

const COPY_IGNORED = new Set(['__pycache__', '.venv', 'node_modules', '.pytest_cache']);

interface BuildContextFiles {
  dockerfilePath: string;
  requirementsPath: string;
  appDir: string;
  wheelhouseDir: string;
}

/**
 * Lays out the build context (Dockerfile, requirements.txt, wheels/, app/) in a fresh folder
 * named after this process, so the folders of a run stopped mid-build are found and removed later.
 */
async function stageBuildContext(files: BuildContextFiles, parent: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  for (const name of await readdir(parent)) {
    const pid = Number(/^ctx-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
  const dir = await mkdtemp(path.join(parent, `ctx-${process.pid}-`));
  await cp(files.dockerfilePath, path.join(dir, 'Dockerfile'));
  await cp(files.requirementsPath, path.join(dir, 'requirements.txt'));
  await cp(files.wheelhouseDir, path.join(dir, 'wheels'), { recursive: true });
  await cp(files.appDir, path.join(dir, 'app'), {
    recursive: true,
    filter: (source) => !COPY_IGNORED.has(path.basename(source)) && !source.endsWith('.pyc'),
  });
  return dir;
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

async function readImageFacts(docker: Docker, image: string, id: string): Promise<ImageFacts> {
  const result = await runThrowaway(docker, image, ['/venv/bin/python', '-c', FREEZE_SCRIPT]);
  if (result.exitCode !== 0) {
    throw new BenchError('DOCKER', `pip freeze in ${image} failed (exit ${result.exitCode}): ${lastLines(result.stderr, 10).join('\n')}`);
  }
  const parsed = JSON.parse(result.stdout.trim()) as { python: string; freeze: string };
  return { imageId: id, pythonVersion: parsed.python, packages: parseFreeze(parsed.freeze) };
}

async function loadImageFacts(docker: Docker, image: string, id: string, factsDir: string): Promise<ImageFacts> {
  const file = path.join(factsDir, `${id.replace(/^sha256:/, '')}.json`);
  try {
    const facts = JSON.parse(await readFile(file, 'utf8')) as ImageFacts;
    if (facts.imageId === id && typeof facts.pythonVersion === 'string' && typeof facts.packages === 'object') return facts;
  } catch {
    // Missing or unreadable: ask the image again.
  }
  const facts = await readImageFacts(docker, image, id);
  await mkdir(factsDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(facts, null, 2)}\n`);
  return facts;
}

/**
 * The app's image, tagged by a content hash of the app, its requirements, the Dockerfile and
 * the base image: reused when present, otherwise built from wheels downloaded on the host.
 */
export async function prepareAppImage(docker: Docker, app: AppDefinition, options: AppImageOptions, log: (line: string) => void): Promise<PreparedApp> {
  const startedAt = performance.now();
  const baseImageId = await requireImage(docker, options.baseImage, baseImageHint(options.baseImage));
  const hash = await contentHash([app.dir, app.requirementsPath, options.dockerfilePath], [`base ${baseImageId}`]);
  const tag = imageTag(app.name, hash);
  const factsDir = path.join(options.cacheDir, 'docker-images');

  const existing = await imageId(docker, tag);
  if (existing) {
    const facts = await loadImageFacts(docker, tag, existing, factsDir);
    log(`image ${tag} (${existing.slice(7, 19)}) is up to date`);
    return { app, pythonVersion: facts.pythonVersion, packages: facts.packages, imageId: existing, baseImage: options.baseImage, prepareS: 0, cached: true };
  }

  log(`building ${tag} from ${options.baseImage}`);
  const target = await (options.wheelTarget ? options.wheelTarget(baseImageId) : probeImagePython(docker, options.baseImage));
  log(`${options.baseImage}: Python ${target.pythonVersion}, glibc ${target.glibcVersion}, ${target.machine}`);
  const wheelhouse = await ensureWheelhouse({
    requirementsPath: app.requirementsPath,
    target,
    cacheDir: path.join(options.cacheDir, 'wheelhouse'),
    hostPython: options.hostPython,
    log,
  });
  const contextDir = await stageBuildContext(
    { dockerfilePath: options.dockerfilePath, requirementsPath: app.requirementsPath, appDir: app.dir, wheelhouseDir: wheelhouse.dir },
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
    await rm(contextDir, { recursive: true, force: true }).catch((error: unknown) => options.warn(`warning: cannot remove ${contextDir}: ${errorLine(error)}`));
  }
  const builtId = await requireImage(docker, tag, 'the build just finished; check `docker images`');
  const facts = await loadImageFacts(docker, tag, builtId, factsDir);
  const prepareS = (performance.now() - startedAt) / 1000;
  log(`built ${tag} (${builtId.slice(7, 19)}) in ${prepareS.toFixed(1)} s`);
  return { app, pythonVersion: facts.pythonVersion, packages: facts.packages, imageId: builtId, baseImage: options.baseImage, prepareS, cached: false };
}
