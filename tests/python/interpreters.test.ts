import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchError } from '../../harness/errors.ts';
import { appUnder, expandInterpreters, interpreterAxis, interpreterLabel, pythonList, resolveInterpreters } from '../../harness/python/interpreters.ts';
import { makeApp, makeConfig } from '../support/factories.ts';

// The interpreter as an axis (docs/variants.md): --python a,b runs every app under each.

const tmp = mkdtempSync(path.join(os.tmpdir(), 'crossover-interpreters-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An executable answering the harness's probe as a Python of `version` would; `t`: a free-threaded build. */
function fakePython(version: string, freeThreaded = false): string {
  const [major, minor] = version.split('.').map(Number);
  const file = path.join(tmp, `python${version}${freeThreaded ? 't' : ''}`);
  writeFileSync(file, `#!/bin/sh\necho '["${file}", ${major}, ${minor}, "${version}", ${freeThreaded}]'\n`);
  chmodSync(file, 0o755);
  return file;
}

const need = { min: [3, 12] as [number, number], apps: [['flask', [3, 12]] as [string, [number, number]]] };

describe('pythonList and interpreterLabel', () => {
  it('splits --python on commas; one entry is no axis', () => {
    expect(pythonList('/a/python3, python3.13')).toEqual(['/a/python3', 'python3.13']);
    expect(pythonList('/usr/bin/python3')).toEqual(['/usr/bin/python3']);
    expect(pythonList(undefined)).toEqual([]);
  });

  it('labels an interpreter by major.minor, with t for a free-threaded build', () => {
    expect(interpreterLabel({ major: 3, minor: 13 })).toBe('py3.13');
    expect(interpreterLabel({ major: 3, minor: 14, freeThreaded: true })).toBe('py3.14t');
  });
});

describe('resolveInterpreters', () => {
  it('runs each interpreter and tells a free-threaded build from the regular one of its version', async () => {
    const found = await resolveInterpreters([fakePython('3.13.1'), fakePython('3.13.1', true)], need);
    expect(found.map((i) => [i.label, i.version, i.freeThreaded ?? false])).toEqual([
      ['py3.13', '3.13.1', false],
      ['py3.13t', '3.13.1', true],
    ]);
  });

  it('refuses two interpreters of one label, and one too old for the apps, naming it', async () => {
    const twice = resolveInterpreters([fakePython('3.12.1'), fakePython('3.12.8')], need);
    await expect(twice).rejects.toThrow(BenchError);
    await expect(twice).rejects.toThrow(/both py3\.12/);
    await expect(resolveInterpreters([fakePython('3.12.1'), fakePython('3.11.7')], need)).rejects.toThrow(/is Python 3\.11\.7, too old for flask/);
  });
});

describe('expandInterpreters', () => {
  const apps = new Map(
    [makeApp('fastapi'), makeApp('fastapi-sqlalchemy', { variantOf: 'fastapi' }), makeApp('flask')].map((a) => [a.name, { ...a, displayName: a.name }]),
  );
  const interpreters = [
    { label: 'py3.12', path: '/p12', version: '3.12.1', major: 3, minor: 12 },
    { label: 'py3.13t', path: '/p13t', version: '3.13.0', major: 3, minor: 13, freeThreaded: true },
  ];

  it('makes one app per interpreter, each with its own interpreter, in app then interpreter order', () => {
    const out = expandInterpreters(['fastapi', 'fastapi-sqlalchemy', 'flask'], apps, interpreters);
    expect(out.frameworks).toEqual([
      'fastapi-py3.12',
      'fastapi-py3.13t',
      'fastapi-sqlalchemy-py3.12',
      'fastapi-sqlalchemy-py3.13t',
      'flask-py3.12',
      'flask-py3.13t',
    ]);
    const ft = out.apps.get('flask-py3.13t')!;
    expect(ft).toMatchObject({ name: 'flask-py3.13t', interpreterOf: 'flask', displayName: 'flask (Python 3.13.0, free-threaded)', dir: '/nowhere/flask' });
    expect(ft.python).toMatchObject({ path: '/p13t', freeThreaded: true });
    // The GIL stays off in a free-threaded build, whatever its extension modules declare; a regular build gets no such setting.
    expect(ft.env['PYTHON_GIL']).toBe('0');
    expect(out.apps.get('flask-py3.12')!.env['PYTHON_GIL']).toBeUndefined();
  });

  it('pairs a variant with its base under the first interpreter, and every app with itself under the first elsewhere', () => {
    const { apps: out } = expandInterpreters(['fastapi', 'fastapi-sqlalchemy', 'flask'], apps, interpreters);
    expect(out.get('fastapi-sqlalchemy-py3.12')!.variantOf).toBe('fastapi-py3.12');
    expect(out.get('fastapi-py3.12')!.variantOf).toBeUndefined();
    expect(out.get('fastapi-py3.13t')!.variantOf).toBe('fastapi-py3.12');
    expect(out.get('fastapi-sqlalchemy-py3.13t')!.variantOf).toBe('fastapi-sqlalchemy-py3.12');
    expect(appUnder('flask', interpreters[0]!)).toBe('flask-py3.12');
  });

  it('pairs a variant with nothing when its base is not in the run', () => {
    const { apps: out } = expandInterpreters(['fastapi-sqlalchemy'], apps, interpreters);
    expect(out.get('fastapi-sqlalchemy-py3.12')!.variantOf).toBeUndefined();
    expect(out.get('fastapi-sqlalchemy-py3.13t')!.variantOf).toBe('fastapi-sqlalchemy-py3.12');
  });
});

describe('interpreterAxis', () => {
  const apps = new Map([['flask', { ...makeApp('flask', { requiresPython: '3.10' }), displayName: 'Flask' }]]);
  const config = makeConfig({ frameworks: ['flask'], runtime: 'auto' });

  it('leaves one regular interpreter alone: no axis, no renamed rows', async () => {
    const out = await interpreterAxis(fakePython('3.12.4'), config, apps, () => undefined);
    expect(out.config.frameworks).toEqual(['flask']);
    expect(out.apps).toBe(apps);
  });

  it('runs every app on one free-threaded interpreter as labelled rows, locally, with the GIL kept off', async () => {
    const lines: string[] = [];
    const out = await interpreterAxis(fakePython('3.14.0', true), config, apps, (l) => lines.push(l));
    expect(out.config).toMatchObject({ frameworks: ['flask-py3.14t'], runtime: 'local' });
    expect(out.config.interpreters?.[0]).toMatchObject({ label: 'py3.14t', freeThreaded: true });
    expect(out.apps.get('flask-py3.14t')?.env['PYTHON_GIL']).toBe('0');
    expect(lines[0]).toContain('py3.14t (3.14.0, free-threaded');
  });

  it('refuses several interpreters in Docker before probing them', async () => {
    await expect(interpreterAxis('/nowhere/a,/nowhere/b', { ...config, runtime: 'docker' }, apps, () => undefined)).rejects.toThrow(/not in Docker/);
  });
});
