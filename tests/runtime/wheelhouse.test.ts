import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureWheelhouse, manylinuxPlatforms, pipDownloadArgs } from '../../harness/runtime/wheelhouse.ts';

describe('wheelhouse flags', () => {
  it('lists every manylinux tag up to the image glibc, legacy aliases included', () => {
    const platforms = manylinuxPlatforms({ glibcVersion: '2.41', machine: 'x86_64' });
    expect(platforms[0]).toBe('manylinux_2_41_x86_64');
    expect(platforms).toContain('manylinux_2_5_x86_64');
    expect(platforms).not.toContain('manylinux_2_42_x86_64');
    expect(platforms.slice(-3)).toEqual(['manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64']);
    expect(manylinuxPlatforms({ glibcVersion: '2.36', machine: 'aarch64' }).slice(-1)).toEqual(['manylinux2014_aarch64']);
  });
  it('asks pip for the image Python, not the host one', () => {
    const args = pipDownloadArgs('/r.txt', { pythonVersion: '3.13.5', glibcVersion: '2.17', machine: 'x86_64' }, '/d');
    expect(args.join(' ')).toContain('--only-binary=:all: --implementation cp --python-version 3.13 --abi cp313 --abi abi3 --abi none');
    expect(args.slice(-4)).toEqual(['-r', '/r.txt', '-d', '/d']);
  });
});

describe('ensureWheelhouse', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A folder with requirements.txt and a stand-in for `python -m pip download`: it logs each
   * call, waits a little (so calls overlap), and writes one wheel into the -d folder.
   */
  function setup(): { dir: string; requirements: string; fakePython: string; calls: () => string[] } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-wheelhouse-'));
    dirs.push(dir);
    const requirements = path.join(dir, 'requirements.txt');
    writeFileSync(requirements, 'flask==3.1.3\n');
    const fakePython = path.join(dir, 'fake-python');
    const log = path.join(dir, 'calls.log');
    writeFileSync(fakePython, `#!/bin/sh\nfor last; do :; done\necho "$last" >> ${log}\nsleep 0.2\ntouch "$last/flask-3.1.3-py3-none-any.whl"\n`);
    chmodSync(fakePython, 0o755);
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    return { dir, requirements, fakePython, calls };
  }

  const TARGET = { pythonVersion: '3.13.5', glibcVersion: '2.41', machine: 'x86_64' };

  it('downloads once for builds running side by side with the same requirements, and reuses it later', async () => {
    const { dir, requirements, fakePython, calls } = setup();
    const cacheDir = path.join(dir, 'wheelhouse');
    const options = { requirementsPath: requirements, target: TARGET, cacheDir, hostPython: fakePython, log: () => undefined };
    const [a, b] = await Promise.all([ensureWheelhouse(options), ensureWheelhouse(options)]);
    expect(calls()).toHaveLength(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ wheels: ['flask-3.1.3-py3-none-any.whl'], cached: false });
    // pip wrote into a folder of its own, renamed into place: nothing partial is left.
    expect(readdirSync(cacheDir)).toEqual([path.basename(a.dir)]);
    expect(calls()[0]).toContain('.partial-');
    expect(await ensureWheelhouse(options)).toMatchObject({ dir: a.dir, cached: true });
    expect(calls()).toHaveLength(1);
  });

  it('removes the half-done download of a run that is gone, and keeps one of a live run', async () => {
    const { dir, requirements, fakePython } = setup();
    const cacheDir = path.join(dir, 'wheelhouse');
    // Linux pids stay below 2^22 (the largest pid_max): no process has this one.
    const gone = path.join(cacheDir, `abc.partial-${2 ** 22}-x1y2z3`);
    const live = path.join(cacheDir, `abc.partial-${process.ppid}-a1b2c3`);
    mkdirSync(gone, { recursive: true });
    mkdirSync(live, { recursive: true });
    await ensureWheelhouse({ requirementsPath: requirements, target: TARGET, cacheDir, hostPython: fakePython, log: () => undefined });
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
