import { describe, expect, it } from 'vitest';
import { appConnectionName, launchSpec, type StartSpec, withApplicationName } from '../../harness/runtime/types.ts';

const spec = (databaseUrl: string): StartSpec =>
  ({
    prepared: {
      app: { name: 'flask', dir: '/apps/flask', command: ['gunicorn', '--bind', '{host}:{port}'], env: {} },
      pythonVersion: '3.12.1',
      packages: {},
      prepareS: 0,
      cached: true,
    },
    port: 8088,
    settings: { workers: 1, threads: 10, poolSize: 10 },
    databaseUrl,
    cpus: [1],
    runId: 'r',
  }) as unknown as StartSpec;

describe('the app connection name', () => {
  it('reaches the app in the URL and in PGAPPNAME, so every driver names its connections', () => {
    const { env } = launchSpec(spec('postgres://u:p@127.0.0.1:15432/bench'));
    expect(env.PGAPPNAME).toBe('crossover-app-flask');
    const url = new URL(env.DATABASE_URL!);
    expect(url.searchParams.get('application_name')).toBe('crossover-app-flask');
    // Everything else of the URL is kept.
    expect([url.username, url.password, url.hostname, url.port, url.pathname]).toEqual(['u', 'p', '127.0.0.1', '15432', '/bench']);
  });

  it('keeps the query a user gave and replaces an application_name there: the count goes by the app name', () => {
    expect(withApplicationName('postgres://u:p@db:5433/x?sslmode=require', appConnectionName('drf'))).toBe(
      'postgres://u:p@db:5433/x?sslmode=require&application_name=crossover-app-drf',
    );
    expect(withApplicationName('postgres://u@db/x?application_name=mine', 'crossover-app-drf')).toBe('postgres://u@db/x?application_name=crossover-app-drf');
  });
});
