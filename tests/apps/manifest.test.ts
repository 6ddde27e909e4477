import { describe, expect, it } from 'vitest';
import { dataAccessLabel, describeDataAccess, listAppNames, loadApp } from '../../harness/apps/manifest.ts';
import { APPS_DIR } from '../../harness/paths.ts';

describe('app manifests', () => {
  it('declare how each app reaches the database (read from its source, see docs/fairness.md)', async () => {
    // The base apps; the variants' declarations are pinned in catalog.test.ts.
    const names = (await Promise.all((await listAppNames(APPS_DIR)).map((n) => loadApp(APPS_DIR, n)))).filter((a) => !a.variantOf).map((a) => a.name);
    const declared = Object.fromEntries(
      await Promise.all(
        names.map(async (n) => [n, `${dataAccessLabel((await loadApp(APPS_DIR, n)).dataAccess)} ${(await loadApp(APPS_DIR, n)).dataAccess.protocol}`]),
      ),
    );
    expect(declared).toEqual({
      django: 'ORM simple',
      drf: 'ORM simple',
      flask: 'Raw prepared',
      fastapi: 'Raw prepared',
      starlette: 'Raw prepared',
      'django-bolt': 'ORM simple',
      'django-ninja': 'ORM simple',
      litestar: 'Raw prepared',
    });
  });

  it('describes the data access in one footnote line', async () => {
    const app = await loadApp(APPS_DIR, 'django-bolt');
    expect(describeDataAccess(app.dataAccess)).toBe('ORM: Django async ORM on psycopg 3, simple protocol, msgspec');
  });
});
