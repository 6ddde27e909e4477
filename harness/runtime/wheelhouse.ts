import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { BenchError } from '../errors.ts';
import { contentHash } from '../util/hash.ts';
import { isAlive } from '../util/process.ts';

/** The interpreter and platform inside an image, as wheels are tagged for it. */
export interface WheelTarget {
  /** Full version, e.g. "3.13.5"; wheels are chosen by major.minor. */
  pythonVersion: string;
  /** glibc version of the image, e.g. "2.41"; bounds the manylinux tags. */
  glibcVersion: string;
  /** uname -m of the image, e.g. "x86_64" or "aarch64". */
  machine: string;
}

export interface WheelhouseOptions {
  requirementsPath: string;
  target: WheelTarget;
  /** Folder that holds one wheelhouse per key (the repo's .cache/wheelhouse). */
  cacheDir: string;
  /** Host interpreter that runs `pip download` (any version: the target is given by flags). */
  hostPython: string;
  log: (line: string) => void;
}

export interface Wheelhouse {
  dir: string;
  /** Wheel file names, sorted. */
  wheels: string[];
  cached: boolean;
}

/** Lines of pip's output kept in an error message. */
const PIP_TAIL_LINES = 20;

/** "3.13.5" -> { major: 3, minor: 13 }. */
function parseMajorMinor(version: string, what: string): { major: number; minor: number } {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new BenchError('DOCKER', `cannot read the ${what} version '${version}'`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * Every platform tag a wheel may carry and still run on the target, newest first: the
 * perennial manylinux_2_N tags from the image's glibc down to 2_5, plus the legacy aliases
 * (PEP 513/571/599). pip does not expand perennial tags itself, so all are passed.
 */
export function manylinuxPlatforms(target: Pick<WheelTarget, 'glibcVersion' | 'machine'>): string[] {
  const glibc = parseMajorMinor(target.glibcVersion, 'glibc');
  if (glibc.major !== 2) throw new BenchError('DOCKER', `unexpected glibc version ${target.glibcVersion} in the image`);
  const platforms: string[] = [];
  // 2_5 is the oldest manylinux (manylinux1, PEP 513).
  for (let minor = glibc.minor; minor >= 5; minor -= 1) platforms.push(`manylinux_2_${minor}_${target.machine}`);
  const legacy: Array<[number, string]> = [
    [17, 'manylinux2014'],
    [12, 'manylinux2010'],
    [5, 'manylinux1'],
  ];
  for (const [minor, name] of legacy) {
    // manylinux1 and manylinux2010 exist only for x86 (PEP 571, PEP 599).
    const exists = name === 'manylinux2014' || target.machine === 'x86_64' || target.machine === 'i686';
    if (glibc.minor >= minor && exists) platforms.push(`${name}_${target.machine}`);
  }
  return platforms;
}

/** The `pip download` arguments that select wheels for the target instead of the host. */
export function pipDownloadArgs(requirementsPath: string, target: WheelTarget, destDir: string): string[] {
  const { major, minor } = parseMajorMinor(target.pythonVersion, 'Python');
  const cp = `cp${major}${minor}`;
  const args = [
    '-m',
    'pip',
    'download',
    '--disable-pip-version-check',
    '--no-input',
    '--only-binary=:all:',
    '--implementation',
    'cp',
    '--python-version',
    `${major}.${minor}`,
    // cp313 for extension modules, abi3 for stable-ABI wheels, none for py3-none-<platform> wheels.
    '--abi',
    cp,
    '--abi',
    'abi3',
    '--abi',
    'none',
  ];
  for (const platform of manylinuxPlatforms(target)) args.push('--platform', platform);
  args.push('-r', requirementsPath, '-d', destDir);
  return args;
}

/** Cache key: the requirements' content and everything that decides which wheels match. */
export async function wheelhouseKey(requirementsPath: string, target: WheelTarget): Promise<string> {
  const { major, minor } = parseMajorMinor(target.pythonVersion, 'Python');
  const hash = await contentHash([requirementsPath], [`python ${major}.${minor}`, ...manylinuxPlatforms(target)]);
  return hash.slice(0, 16);
}

async function listWheels(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.whl')).sort();
}

/** Downloads under way in this process, by wheelhouse folder: builds running side by side with the same requirements share one. */
const downloading = new Map<string, Promise<Wheelhouse>>();

/**
 * Downloads, on the host, the wheels an app's requirements need inside the image, so the
 * image build never touches the network. Reuses `<cacheDir>/<key>` when it is complete
 * (it is only renamed into place after pip succeeded).
 */
export async function ensureWheelhouse(options: WheelhouseOptions): Promise<Wheelhouse> {
  const key = await wheelhouseKey(options.requirementsPath, options.target);
  const dir = path.join(options.cacheDir, key);
  const existing = await listWheels(dir).catch(() => undefined);
  if (existing) {
    options.log(`wheelhouse ${dir}: ${existing.length} wheels (cached)`);
    return { dir, wheels: existing, cached: true };
  }
  const running = downloading.get(dir);
  if (running) {
    options.log(`wheelhouse ${dir}: waiting for the download another build started`);
    return running;
  }
  const download = downloadWheelhouse(options, dir).finally(() => downloading.delete(dir));
  downloading.set(dir, download);
  return download;
}

async function downloadWheelhouse(options: WheelhouseOptions, dir: string): Promise<Wheelhouse> {
  await mkdir(options.cacheDir, { recursive: true });
  await removeAbandonedDownloads(options.cacheDir);
  // Each download writes into a folder of its own; only a finished one is renamed to the wheelhouse.
  const partial = await mkdtemp(`${dir}.partial-${process.pid}-`);
  const args = pipDownloadArgs(options.requirementsPath, options.target, partial);
  options.log(
    `wheelhouse: pip download of ${options.requirementsPath} for CPython ${options.target.pythonVersion}, glibc ${options.target.glibcVersion}, ${options.target.machine}`,
  );
  const result = await execa(options.hostPython, args, { all: true, reject: false });
  if (result.failed) {
    await rm(partial, { recursive: true, force: true });
    const tail = (result.all ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-PIP_TAIL_LINES);
    const spawnFailed = result.exitCode === undefined;
    throw new BenchError(
      'PYTHON',
      `pip download of ${options.requirementsPath} for Python ${options.target.pythonVersion} (${options.target.machine}, glibc ${options.target.glibcVersion}) failed` +
        (spawnFailed ? `: cannot run ${options.hostPython}` : `:\n${tail.join('\n')}`),
      {
        cause: result,
        hint: spawnFailed
          ? 'pass a host Python with pip (--python PATH)'
          : "every requirement needs a wheel for the image's Python and glibc; pin a version that publishes one, or check that PyPI is reachable",
      },
    );
  }
  // Another harness may have finished the same wheelhouse meanwhile: its copy is as good.
  await rename(partial, dir).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(partial, { recursive: true, force: true });
  });
  const wheels = await listWheels(dir);
  options.log(`wheelhouse ${dir}: ${wheels.length} wheels downloaded`);
  return { dir, wheels, cached: false };
}

/** Half-downloaded wheelhouses of runs that were killed (their pid is gone). */
async function removeAbandonedDownloads(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const pid = Number(/\.partial-(\d+)(?:-\w+)?$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await rm(path.join(cacheDir, name), { recursive: true, force: true });
  }
}
