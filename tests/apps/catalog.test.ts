import { describe, expect, it } from 'vitest';
import { defaultFrameworks, groupedByBase, outsideQuickRun, selectFrameworks, variantMap } from '../../harness/apps/catalog.ts';
import { AppManifestSchema, listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { APPS_DIR } from '../../harness/paths.ts';

const NAMES = ['django', 'flask', 'fastapi', 'fastapi-sqlalchemy', 'fastapi-tortoise', 'flask-granian'];
const VARIANT_OF = { 'fastapi-sqlalchemy': 'fastapi', 'fastapi-tortoise': 'fastapi', 'flask-granian': 'flask' };

const caught = (fn: () => unknown): { code?: string; message?: string; hint?: string } => {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error('expected a throw');
};

describe('variantOf in a manifest', () => {
  const manifest = {
    name: 'fastapi-sqlalchemy',
    displayName: 'FastAPI + SQLAlchemy',
    server: 'uvicorn',
    model: 'async',
    command: ['uvicorn', 'app:app'],
    concurrencyLimit: 'pool',
    requiresPython: '3.11',
    packages: ['fastapi'],
    dataAccess: { kind: 'orm', driver: 'SQLAlchemy 2 async ORM on asyncpg', protocol: 'prepared', serializer: 'pydantic-core' },
  };

  it('is optional, and names an app', () => {
    expect(AppManifestSchema.parse(manifest).variantOf).toBeUndefined();
    expect(AppManifestSchema.parse({ ...manifest, variantOf: 'fastapi' }).variantOf).toBe('fastapi');
    expect(AppManifestSchema.safeParse({ ...manifest, variantOf: 'Fast API' }).success).toBe(false);
    expect(AppManifestSchema.safeParse({ ...manifest, server: 'granian' }).success).toBe(true);
  });

  it('refuses a defaultRun that is not a boolean', () => {
    expect(AppManifestSchema.safeParse({ ...manifest, defaultRun: 'no' }).success).toBe(false);
    expect(AppManifestSchema.safeParse({ ...manifest, defaultRun: false }).success).toBe(true);
  });

  it('must name a base app: not an unknown app, not a variant, not itself', () => {
    expect(variantMap(NAMES.map((name) => ({ name, variantOf: VARIANT_OF[name as keyof typeof VARIANT_OF] })))).toEqual(VARIANT_OF);
    const bad = [
      [{ name: 'a' }, { name: 'b', variantOf: 'c' }],
      [{ name: 'a' }, { name: 'b', variantOf: 'a' }, { name: 'c', variantOf: 'b' }],
      [{ name: 'a', variantOf: 'a' }],
    ];
    for (const entries of bad) {
      const error = caught(() => variantMap(entries));
      expect(error.code).toBe('CONFIG');
      expect(error.message).toMatch(/must name a base app/);
    }
  });
});

describe('--frameworks with variants', () => {
  it('takes the base apps only by default', () => {
    expect(selectFrameworks(undefined, NAMES, VARIANT_OF)).toEqual(['django', 'flask', 'fastapi']);
    expect(defaultFrameworks(NAMES, {})).toEqual(NAMES);
  });

  it("takes variants by name, and '<base>+' for the base app and all its variants, each once, in the order asked", () => {
    expect(selectFrameworks(['flask-granian'], NAMES, VARIANT_OF)).toEqual(['flask-granian']);
    expect(selectFrameworks(['fastapi+'], NAMES, VARIANT_OF)).toEqual(['fastapi', 'fastapi-sqlalchemy', 'fastapi-tortoise']);
    expect(selectFrameworks(['flask+', 'fastapi-sqlalchemy', 'django+', 'flask'], NAMES, VARIANT_OF)).toEqual([
      'flask',
      'flask-granian',
      'fastapi-sqlalchemy',
      'django',
    ]);
  });

  it("refuses an unknown name, '+' after a variant or an unknown app, and an empty list, as usage errors naming the choices", () => {
    for (const asked of [['falcon'], ['fastapi-sqlalchemy+'], ['falcon+'], []]) {
      const error = caught(() => selectFrameworks(asked, NAMES, VARIANT_OF));
      expect(error.code, asked.join()).toBe('USAGE');
      expect(error.hint).toBe(
        'choose from: django, flask (variants: flask-granian; all: flask+), fastapi (variants: fastapi-sqlalchemy, fastapi-tortoise; all: fastapi+)',
      );
    }
    expect(caught(() => selectFrameworks(['falcon', 'flask'], NAMES, VARIANT_OF)).message).toBe("unknown framework 'falcon'");
  });

  it('resolves in the run config the same way', () => {
    const known = { frameworks: NAMES, variantOf: VARIANT_OF, scenarios: ['json'] };
    const now = new Date('2026-12-07T00:00:00Z');
    expect(resolveRunConfig({}, known, now).frameworks).toEqual(['django', 'flask', 'fastapi']);
    expect(resolveRunConfig({ frameworks: 'fastapi+' }, known, now).frameworks).toEqual(['fastapi', 'fastapi-sqlalchemy', 'fastapi-tortoise']);
  });

  it('leaves a base app with "defaultRun": false out of the quick default only; standard and full take every app', () => {
    const entries = [
      { name: 'django' },
      { name: 'flask' },
      { name: 'litestar', defaultRun: false },
      { name: 'flask-granian', variantOf: 'flask' },
      // On a variant it changes nothing: variants are outside the quick default anyway.
      { name: 'flask-x', variantOf: 'flask', defaultRun: false },
    ];
    const names = entries.map((e) => e.name);
    const variantOf = variantMap(entries);
    const outsideQuick = outsideQuickRun(entries);
    expect(outsideQuick).toEqual(['litestar']);
    expect(defaultFrameworks(names, variantOf, { apps: 'quick', outsideQuick })).toEqual(['django', 'flask']);
    expect(defaultFrameworks(names, variantOf, { apps: 'all', outsideQuick })).toEqual(names);
    // Named, it runs like any other app, and '<base>+' still groups it.
    expect(selectFrameworks(['litestar'], names, variantOf, { apps: 'quick', outsideQuick })).toEqual(['litestar']);
    expect(groupedByBase(names, variantOf).map((r) => r.name)).toEqual(['django', 'flask', 'flask-granian', 'flask-x', 'litestar']);
    const known = { frameworks: names, variantOf, outsideQuick, scenarios: ['json'] };
    const now = new Date('2026-12-07T00:00:00Z');
    expect(resolveRunConfig({}, known, now).frameworks).toEqual(['django', 'flask']);
    expect(resolveRunConfig({ profile: 'quick' }, known, now).frameworks).toEqual(['django', 'flask']);
    expect(resolveRunConfig({ profile: 'standard' }, known, now).frameworks).toEqual(names);
    expect(resolveRunConfig({ profile: 'full' }, known, now).frameworks).toEqual(names);
    // --frameworks wins over every profile's default.
    expect(resolveRunConfig({ profile: 'standard', frameworks: 'flask+' }, known, now).frameworks).toEqual(['flask', 'flask-granian', 'flask-x']);
  });

  it('groups each base app with its variants', () => {
    expect(groupedByBase(NAMES, VARIANT_OF)).toEqual([
      { name: 'django' },
      { name: 'flask' },
      { name: 'flask-granian', base: 'flask' },
      { name: 'fastapi' },
      { name: 'fastapi-sqlalchemy', base: 'fastapi' },
      { name: 'fastapi-tortoise', base: 'fastapi' },
    ]);
  });
});

describe('the shipped apps', () => {
  it('run the six base apps in a quick run, every app in standard and full, and each variant names a base app', async () => {
    const names = await listAppNames(APPS_DIR);
    const apps = await Promise.all(names.map((n) => loadApp(APPS_DIR, n)));
    const variantOf = variantMap(apps);
    const outsideQuick = outsideQuickRun(apps);
    expect(outsideQuick).toEqual(['django-ninja', 'litestar']);
    expect(selectFrameworks(undefined, names, variantOf, { apps: 'quick', outsideQuick })).toEqual([
      'django',
      'drf',
      'flask',
      'fastapi',
      'starlette',
      'django-bolt',
    ]);
    expect(selectFrameworks(undefined, names, variantOf, { apps: 'all', outsideQuick })).toEqual(names);
    expect(names).toHaveLength(13);
    expect(variantOf).toEqual({
      'django-asgi': 'django',
      'fastapi-sqlalchemy': 'fastapi',
      'flask-granian': 'flask',
      'flask-sqlalchemy': 'flask',
      'starlette-granian': 'starlette',
    });
  });

  it('declare the variants’ data access honestly: the ORM over asyncpg prepares, the Flask variant is the base app’s access', async () => {
    const sqlalchemy = await loadApp(APPS_DIR, 'fastapi-sqlalchemy');
    expect(sqlalchemy.dataAccess).toMatchObject({ kind: 'orm', protocol: 'prepared' });
    expect(sqlalchemy.server).toBe((await loadApp(APPS_DIR, 'fastapi')).server);
    const granian = await loadApp(APPS_DIR, 'flask-granian');
    const flask = await loadApp(APPS_DIR, 'flask');
    expect(granian.server).toBe('granian');
    expect(granian.dataAccess).toEqual(flask.dataAccess);
    expect(granian.concurrencyLimit).toBe(flask.concurrencyLimit);
  });

  it('declare the new apps’ stacks: ORM where an ORM reads, the base app’s access where only the server differs', async () => {
    const load = (n: string) => loadApp(APPS_DIR, n);
    expect((await load('django-asgi')).dataAccess).toMatchObject({ kind: 'orm', protocol: 'simple' });
    expect(await load('django-asgi')).toMatchObject({ server: 'uvicorn', model: 'async', concurrencyLimit: 'pool' });
    // Extended, not prepared: the ROLLBACK that ends each request clears psycopg's prepared statements (docs/variants.md).
    expect((await load('flask-sqlalchemy')).dataAccess).toMatchObject({ kind: 'orm', protocol: 'extended' });
    expect((await load('flask-sqlalchemy')).server).toBe((await load('flask')).server);
    expect((await load('django-ninja')).dataAccess).toEqual({ ...(await load('django')).dataAccess, serializer: expect.stringMatching(/pydantic/) });
    expect((await load('litestar')).dataAccess).toMatchObject({ kind: 'raw', driver: 'asyncpg', serializer: expect.stringMatching(/^msgspec/) });
    const granian = await load('starlette-granian');
    expect(granian).toMatchObject({ server: 'granian', model: 'async', concurrencyLimit: 'pool' });
    expect(granian.dataAccess).toEqual((await load('starlette')).dataAccess);
  });
});
