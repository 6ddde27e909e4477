import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { AppManifest } from '../apps/manifest.ts';
import { BenchError } from '../errors.ts';

export interface PythonInfo {
  path: string;
  version: string;
  major: number;
  minor: number;
  /**
   * A free-threaded build (Py_GIL_DISABLED, the `t` interpreters such as python3.13t): the GIL is
   * off unless PYTHON_GIL=1 or an extension module that does not declare support turns it back on.
   */
  freeThreaded?: boolean | undefined;
}

/**
 * What the apps of a run need of the one interpreter they share: each app's floor is the
 * `requiresPython` of its manifest (the highest `Requires-Python` of its pinned requirements).
 */
export interface PythonNeed {
  /** The highest floor among the apps, [major, minor]. */
  min: [number, number];
  /** Each app with its floor, e.g. ['django', [3, 12]]. */
  apps: Array<[string, [number, number]]>;
}

const atLeast = (v: [number, number], floor: [number, number]) => v[0] > floor[0] || (v[0] === floor[0] && v[1] >= floor[1]);
const dotted = (v: [number, number]) => v.join('.');

/** Pure: the run's floor from its apps' manifests. */
export function pythonNeed(apps: Iterable<Pick<AppManifest, 'name' | 'requiresPython'>>): PythonNeed {
  const floors = [...apps].map((a): [string, [number, number]] => {
    const [major, minor] = a.requiresPython.split('.').map(Number) as [number, number];
    return [a.name, [major, minor]];
  });
  const min = floors.reduce<[number, number]>((high, [, f]) => (atLeast(f, high) ? f : high), [3, 0]);
  return { min, apps: floors };
}

/** Pure: the apps an interpreter of `version` is too old for, each with its floor; empty when none. */
export function tooOldFor(need: PythonNeed, version: [number, number]): Array<{ name: string; floor: string }> {
  return need.apps.filter(([, floor]) => !atLeast(version, floor)).map(([name, floor]) => ({ name, floor: dotted(floor) }));
}

const PROBE =
  'import sys, sysconfig, venv, json; print(json.dumps([sys.executable, sys.version_info[0], sys.version_info[1], sys.version.split()[0], bool(sysconfig.get_config_var("Py_GIL_DISABLED"))]))';

/** Runs the candidate; interpreters that fail (broken pyenv shims, missing venv) are skipped. */
export async function probePython(candidate: string): Promise<PythonInfo | undefined> {
  try {
    const { stdout } = await execa(candidate, ['-c', PROBE], { timeout: 10_000, reject: true });
    const [exe, major, minor, version, freeThreaded] = JSON.parse(stdout.trim()) as [string, number, number, string, boolean | undefined];
    return { path: exe || candidate, major, minor, version, ...(freeThreaded ? { freeThreaded: true } : {}) };
  } catch {
    return undefined;
  }
}

async function pyenvCandidates(): Promise<string[]> {
  const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  try {
    const versions = await readdir(path.join(root, 'versions'));
    return versions.map((v) => path.join(root, 'versions', v, 'bin', 'python3'));
  } catch {
    return [];
  }
}

/**
 * The newest working Python that every selected app installs on (`need`), among PATH's
 * python3.x and pyenv's versions folder, or the one given with --python (which must work
 * and be new enough for each selected app; the message names the apps it is too old for).
 */
export async function findPython(explicit: string | undefined, need: PythonNeed): Promise<PythonInfo> {
  const floor = dotted(need.min);
  if (explicit) {
    const info = await probePython(explicit);
    if (!info)
      throw new BenchError('PYTHON', `--python ${explicit} does not run (or lacks the venv module)`, {
        hint: `pass the path of a working Python ${floor} or newer`,
      });
    const tooOld = tooOldFor(need, [info.major, info.minor]);
    if (tooOld.length > 0)
      throw new BenchError('PYTHON', `--python ${explicit} is Python ${info.version}, too old for ${tooOld.map((a) => `${a.name} (${a.floor}+)`).join(', ')}`, {
        hint: `pass a Python ${floor} or newer, or leave ${tooOld.map((a) => a.name).join(', ')} out of --frameworks`,
      });
    return info;
  }
  const candidates = ['python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3', ...(await pyenvCandidates())];
  const found = (await Promise.all(candidates.map(probePython))).filter((p): p is PythonInfo => p !== undefined && atLeast([p.major, p.minor], need.min));
  found.sort((a, b) => b.major - a.major || b.minor - a.minor);
  const best = found[0];
  if (!best) {
    const by = need.apps.filter(([, f]) => dotted(f) === floor).map(([name]) => name);
    throw new BenchError('PYTHON', `no Python ${floor}+ (${by.join(', ')} need${by.length === 1 ? 's' : ''} it) found on PATH or in pyenv's versions folder`, {
      hint: `install Python ${floor} or newer (e.g. apt-get install python3 on Debian trixie) or pass --python PATH`,
    });
  }
  return best;
}
