import { describe, expect, it } from 'vitest';
import { isLoopback, onAppHost, openAppHost, parseAppHost, topologyOf } from '../../harness/net/app-host.ts';
import { localAddressToward } from '../../harness/net/relay.ts';
import { launchSpec, type Runtime, type StartSpec } from '../../harness/runtime/types.ts';
import { makeApp } from '../support/factories.ts';

const DB = 'postgres://bench:pw@127.0.0.1:20000/hello_world';
const options = { runId: 'run-1', databaseUrls: [DB], dbCpus: [0], runtime: 'local' as const };

function spec(o: Partial<StartSpec> = {}): StartSpec {
  const app = makeApp('flask', { command: ['gunicorn', '--bind', '{host}:{port}', '--workers', '{workers}'] });
  return {
    prepared: { app, pythonVersion: '3.13.0', packages: {}, prepareS: 0, cached: true },
    port: 8088,
    settings: { workers: 1, threads: 10, poolSize: 10, connectionCap: 10, concurrencyLimit: 10 },
    databaseUrl: DB,
    cpus: [1],
    runId: 'run-1',
    ...o,
  };
}

describe('parseAppHost', () => {
  it('reads 127.0.0.1 when absent, an address, netns, or a Docker engine', () => {
    expect(parseAppHost(undefined)).toEqual({ kind: 'address', host: '127.0.0.1' });
    expect(parseAppHost('10.0.0.5')).toEqual({ kind: 'address', host: '10.0.0.5' });
    expect(parseAppHost('netns')).toEqual({ kind: 'netns' });
    expect(parseAppHost('ssh://bench@app-host')).toMatchObject({ kind: 'docker-engine', engine: { host: 'app-host', protocol: 'ssh' } });
    expect(parseAppHost('tcp://app-host:2376')).toMatchObject({ kind: 'docker-engine', engine: { protocol: 'https', port: 2376 } });
  });

  it('refuses what is neither, with examples', () => {
    expect(() => parseAppHost('app host/1')).toThrow("--app-host 'app host/1': not an address, 'netns', or a Docker engine URL");
  });
});

describe('openAppHost', () => {
  it('binds an address as given, the database untouched, and records the topology', async () => {
    const host = await openAppHost(parseAppHost('10.0.0.5'), options);
    expect(host.host).toBe('10.0.0.5');
    expect(host.databaseUrl(DB)).toBe(DB);
    expect(host.topology).toEqual({ app: { host: '10.0.0.5' }, database: { host: '127.0.0.1', port: 20000 }, loadgen: 'local' });
  });

  it('puts apps of a remote engine on every interface there, reached by its name', async () => {
    const remote = { ...options, runtime: 'docker' as const, databaseUrls: ['postgres://bench:pw@db-host:5432/hello_world'] };
    const host = await openAppHost(parseAppHost('ssh://bench@app-host'), remote);
    expect(host).toMatchObject({ host: 'app-host', bindHost: '0.0.0.0' });
    expect(host.topology).toEqual({ app: { host: 'app-host', engine: 'ssh://bench@app-host' }, database: { host: 'db-host', port: 5432 }, loadgen: 'local' });
  });

  it("pins a remote engine's apps to its own last cores, as many as the layout gives the app", async () => {
    const remote = {
      ...options,
      runtime: 'docker' as const,
      databaseUrls: ['postgres://bench:pw@db-host:5432/hello_world'],
      appCpuCount: 2,
      engineCpuCount: 8,
    };
    const host = await openAppHost(parseAppHost('ssh://bench@app-host'), remote);
    expect(host.cpus).toEqual([6, 7]);
    expect(host.topology.app).toEqual({ host: 'app-host', engine: 'ssh://bench@app-host', cpus: [6, 7] });
  });

  it('gives loopback database URLs as they are to an engine on this machine (no relay needed)', async () => {
    const host = await openAppHost(parseAppHost('tcp://127.0.0.1:2375'), { ...options, runtime: 'docker' });
    expect(host.databaseUrl(DB)).toBe(DB);
    expect(host.pids).toEqual([]);
    expect(host.topology.database).toEqual({ host: '127.0.0.1', port: 20000 });
  });

  it('refuses a remote engine with the local runtime', async () => {
    await expect(openAppHost(parseAppHost('ssh://bench@app-host'), options)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(openAppHost(parseAppHost('netns'), { ...options, runtime: 'docker' })).rejects.toThrow('--app-host netns starts the apps as local processes');
  });

  it("finds this machine's address toward a host from the routing table, sending nothing", async () => {
    expect(await localAddressToward('127.0.0.1')).toBe('127.0.0.1');
  });

  it('knows loopback names', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['10.231.0.1', 'db-host'].some(isLoopback)).toBe(false);
  });

  it('records a relay in the topology', () => {
    expect(topologyOf({ host: '10.231.7.250', netns: 'crossover-x-62' }, DB, 'relay on 10.231.7.249 (veth xbh)')).toEqual({
      app: { host: '10.231.7.250', netns: 'crossover-x-62' },
      database: { host: '127.0.0.1', port: 20000, via: 'relay on 10.231.7.249 (veth xbh)' },
      loadgen: 'local',
    });
  });
});

describe('onAppHost and launchSpec', () => {
  it('starts every app on the host: its address, namespace and database URL', async () => {
    const seen: StartSpec[] = [];
    const inner: Runtime = {
      kind: 'local',
      prepare: async () => spec().prepared,
      start: async (s) => {
        seen.push(s);
        return {} as never;
      },
      close: async () => undefined,
    };
    const host = {
      spec: { kind: 'netns' as const },
      host: '10.231.7.250',
      netns: 'crossover-x-62',
      databaseUrl: (u: string) => `${u}#relayed`,
      pids: [],
      topology: topologyOf({ host: 'h' }, DB),
      stop: async () => undefined,
    };
    await onAppHost(inner, host).start(spec());
    expect(seen[0]).toMatchObject({ host: '10.231.7.250', netns: 'crossover-x-62', databaseUrl: `${DB}#relayed`, cpus: [1] });
    await onAppHost(inner, { ...host, cpus: [6, 7] }).start(spec());
    expect(seen[1]!.cpus).toEqual([6, 7]);
  });

  it('fills {host} with the bind address, 127.0.0.1 by default, and passes HOST', () => {
    expect(launchSpec(spec()).argv).toEqual(['gunicorn', '--bind', '127.0.0.1:8088', '--workers', '1']);
    expect(launchSpec(spec({ host: '10.231.7.250' })).argv[2]).toBe('10.231.7.250:8088');
    expect(launchSpec(spec({ host: 'app-host', bindHost: '0.0.0.0' })).argv[2]).toBe('0.0.0.0:8088');
    expect(launchSpec(spec({ host: '10.0.0.5' })).env.HOST).toBe('10.0.0.5');
  });

  it('refuses another host for a manifest that binds a fixed address', () => {
    const fixed = spec({ host: '10.0.0.5' });
    fixed.prepared = { ...fixed.prepared, app: makeApp('old', { command: ['serve', '--bind', '127.0.0.1:{port}'] }) };
    expect(() => launchSpec(fixed)).toThrow('old: --app-host 10.0.0.5, but its manifest command never uses {host}');
  });
});
