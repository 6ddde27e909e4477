import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { findPython, pythonNeed, tooOldFor } from '../../harness/python/discover.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'crossover-python-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An executable that answers the harness's probe as a Python of `version` would. */
function fakePython(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  const file = path.join(tmp, `python${version}`);
  writeFileSync(file, `#!/bin/sh\necho '["${file}", ${major}, ${minor}, "${version}"]'\n`);
  chmodSync(file, 0o755);
  return file;
}

const app = (name: string, requiresPython: string) => ({ name, requiresPython });

describe('pythonNeed', () => {
  it('is the highest floor among the selected apps', () => {
    expect(pythonNeed([app('flask', '3.10'), app('fastapi', '3.11')]).min).toEqual([3, 11]);
    expect(pythonNeed([app('flask', '3.10'), app('django', '3.12'), app('fastapi', '3.11')]).min).toEqual([3, 12]);
    // 3.9 < 3.10: compared as numbers, not as text.
    expect(pythonNeed([app('a', '3.10'), app('b', '3.9')]).min).toEqual([3, 10]);
  });

  it('of the shipped apps: 3.12 for all of them (Django 6.1 and django-bolt), lower for Flask, FastAPI and Starlette alone', async () => {
    const all = await Promise.all((await listAppNames(APPS_DIR)).map((n) => loadApp(APPS_DIR, n)));
    // The six of the default run: the base apps outside it (Django Ninja, Litestar) are named apart.
    const apps = all.filter((a) => a.variantOf === undefined && a.defaultRun !== false);
    // A variant needs no newer Python than the six: running every app needs the same 3.12.
    expect(pythonNeed(all).min).toEqual([3, 12]);
    const need = pythonNeed(apps);
    expect(need.min).toEqual([3, 12]);
    expect(tooOldFor(need, [3, 11]).map((a) => a.name)).toEqual(['django', 'drf', 'django-bolt']);
    expect(tooOldFor(need, [3, 10]).map((a) => a.name)).toEqual(['django', 'drf', 'fastapi', 'starlette', 'django-bolt']);
    expect(tooOldFor(need, [3, 12])).toEqual([]);
  });
});

describe('findPython', () => {
  const need = pythonNeed([app('flask', '3.10'), app('django', '3.12'), app('django-bolt', '3.12')]);

  it('refuses a --python too old for the selected apps, naming those apps and no other', async () => {
    const py = fakePython('3.11.2');
    const error = await findPython(py, pythonNeed([app('flask', '3.10'), app('django', '3.12')])).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(error).toMatchObject({ code: 'PYTHON' });
    expect(error?.message).toBe(`--python ${py} is Python 3.11.2, too old for django (3.12+)`);
    expect(error?.message).not.toMatch(/django-bolt|flask/);
    expect(error?.hint).toBe('pass a Python 3.12 or newer, or leave django out of --frameworks');
  });

  it('names every app it is too old for', async () => {
    const py = fakePython('3.10.13');
    await expect(findPython(py, need)).rejects.toMatchObject({ message: `--python ${py} is Python 3.10.13, too old for django (3.12+), django-bolt (3.12+)` });
  });

  it('accepts it when every selected app installs on it', async () => {
    const py = fakePython('3.11.2');
    await expect(findPython(py, pythonNeed([app('flask', '3.10')]))).resolves.toMatchObject({ path: py, version: '3.11.2', major: 3, minor: 11 });
  });

  it('says so when --python does not run', async () => {
    await expect(findPython('/nonexistent', need)).rejects.toMatchObject({
      code: 'PYTHON',
      message: '--python /nonexistent does not run (or lacks the venv module)',
    });
  });
});
