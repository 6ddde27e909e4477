import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { BenchError } from '../errors.ts';

/** django-bolt needs 3.12; every app runs on the same interpreter, so that is the floor for all. */
export const MIN_PYTHON: [number, number] = [3, 12];

export interface PythonInfo {
  path: string;
  version: string;
  major: number;
  minor: number;
}

const PROBE = 'import sys, venv, json; print(json.dumps([sys.executable, sys.version_info[0], sys.version_info[1], sys.version.split()[0]]))';

/** Runs the candidate; interpreters that fail (broken pyenv shims, missing venv) are skipped. */
export async function probePython(candidate: string): Promise<PythonInfo | undefined> {
  try {
    const { stdout } = await execa(candidate, ['-c', PROBE], { timeout: 10_000, reject: true });
    const [exe, major, minor, version] = JSON.parse(stdout.trim()) as [string, number, number, string];
    return { path: exe || candidate, major, minor, version };
  } catch {
    return undefined;
  }
}

function newEnough(p: PythonInfo): boolean {
  return p.major > MIN_PYTHON[0] || (p.major === MIN_PYTHON[0] && p.minor >= MIN_PYTHON[1]);
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
 * The newest working Python >= 3.12 among PATH's python3.x and pyenv's versions folder,
 * or the one given with --python (which must work and be new enough).
 */
export async function findPython(explicit?: string): Promise<PythonInfo> {
  if (explicit) {
    const info = await probePython(explicit);
    if (!info)
      throw new BenchError('PYTHON', `--python ${explicit} does not run (or lacks the venv module)`, {
        hint: 'pass the path of a working python3.12+ interpreter',
      });
    if (!newEnough(info))
      throw new BenchError('PYTHON', `--python ${explicit} is Python ${info.version}; django-bolt needs ${MIN_PYTHON.join('.')} or newer`, {
        hint: 'pass a python3.12 or newer',
      });
    return info;
  }
  const candidates = ['python3.14', 'python3.13', 'python3.12', 'python3', ...(await pyenvCandidates())];
  const found = (await Promise.all(candidates.map(probePython))).filter((p): p is PythonInfo => p !== undefined && newEnough(p));
  found.sort((a, b) => b.major - a.major || b.minor - a.minor);
  const best = found[0];
  if (!best) {
    throw new BenchError('PYTHON', `no Python ${MIN_PYTHON.join('.')}+ found on PATH or in pyenv's versions folder`, {
      hint: 'install python3.12 or newer (e.g. apt-get install python3 on Debian trixie) or pass --python PATH',
    });
  }
  return best;
}
