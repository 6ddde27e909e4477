import { describe, expect, it } from 'vitest';
import { outsideQuickRun, variantMap } from '../../harness/apps/catalog.ts';
import { listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { frameworkLines, frameworksHeading, type ListedApp } from '../../harness/commands/list.ts';
import { APPS_DIR } from '../../harness/paths.ts';

describe('crossover list', () => {
  it('shows each variant under its base app, with its stack', async () => {
    const apps = new Map(await Promise.all((await listAppNames(APPS_DIR)).map(async (n) => [n, await loadApp(APPS_DIR, n)] as const)));
    const lines = frameworkLines(apps, variantMap([...apps.values()]), outsideQuickRun([...apps.values()]));
    expect(lines).toHaveLength(apps.size);
    const at = (name: string) => lines.findIndex((l) => l.trimStart().startsWith(`${name} `));
    expect(lines[at('fastapi') + 1]).toBe(
      '    fastapi-sqlalchemy variant of fastapi: FastAPI + SQLAlchemy (async; uvicorn, SQLAlchemy 2 async ORM on asyncpg)',
    );
    expect(lines[at('flask') + 1]).toBe('    flask-granian      variant of flask: Flask on Granian (sync; granian, psycopg 3 with psycopg_pool)');
    expect(lines[at('fastapi')]).toBe('  fastapi              FastAPI (async; uvicorn, asyncpg)');
    // The base apps keep their table order; a variant never sits between two of them unasked.
    expect(lines.filter((l) => !l.includes('variant of')).map((l) => l.trim().split(' ')[0])).toEqual([
      'django',
      'drf',
      'flask',
      'fastapi',
      'starlette',
      'django-bolt',
      'django-ninja',
      'litestar',
    ]);
    expect(lines[at('django') + 1]).toBe(
      "    django-asgi        variant of django: Django on ASGI (async; uvicorn, Django async ORM on psycopg 3 with Django's pool)",
    );
    expect(lines[at('starlette') + 1]).toBe('    starlette-granian  variant of starlette: Starlette on Granian (async; granian, asyncpg)');
    expect(lines[at('flask') + 2]).toMatch(/^ {4}flask-sqlalchemy {3}variant of flask: Flask \+ SQLAlchemy \(sync; gunicorn-gthread, Flask-SQLAlchemy/);
    // The two base apps outside the quick run say so; the six do not.
    expect(lines.filter((l) => l.endsWith('[not in the quick run]')).map((l) => l.trim().split(' ')[0])).toEqual(['django-ninja', 'litestar']);
  });

  it('says which apps each profile runs without --frameworks', async () => {
    const names = await listAppNames(APPS_DIR);
    const apps = await Promise.all(names.map((n) => loadApp(APPS_DIR, n)));
    expect(frameworksHeading(names, variantMap(apps), outsideQuickRun(apps))).toBe(
      'frameworks (without --frameworks, the quick profile runs django, drf, flask, fastapi, starlette, django-bolt; standard and full run every app listed; name an app, or <base>+ for a base app and its variants):',
    );
    expect(frameworksHeading(['flask'], {}, [])).toBe('frameworks:');
  });

  it('lists apps without variants as before, one line each', () => {
    const app: ListedApp = {
      displayName: 'Flask',
      server: 'gunicorn-gthread',
      model: 'sync',
      dataAccess: { kind: 'raw', driver: 'psycopg 3', protocol: 'prepared', serializer: 'stdlib json' },
    };
    expect(frameworkLines(new Map([['flask', app]]), {})).toEqual(['  flask        Flask (sync; gunicorn-gthread, psycopg 3)']);
  });
});
