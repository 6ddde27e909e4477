import { hostPortOf, withHostPort } from '../db/rtt-path.ts';
import { BenchError } from '../errors.ts';
import type { Topology } from '../results/schema.ts';
import { DEFAULT_APP_HOST, type Runtime } from '../runtime/types.ts';
import { type DockerEngine, parseDockerEngine } from './docker-engine.ts';
import { createLink, type Link, planLink, runTag } from './link.ts';
import { type RunningProxy, startProxy } from './proxy.ts';

/**
 * What `--app-host` asks for (docs/network.md, "Three hosts"):
 * - `address`: an address of this machine the apps bind to and are reached at (127.0.0.1 by default);
 * - `netns`: a network namespace the harness creates, with its own address on a veth pair,
 *   standing in for a second host on one machine (local runtime, root and iproute2);
 * - `docker-engine`: a remote Docker engine (`ssh://user@host`, `tcp://host:2376`); the apps
 *   run there on its host network and are reached at its host name.
 */
export type AppHostSpec = { kind: 'address'; host: string } | { kind: 'netns' } | { kind: 'docker-engine'; engine: DockerEngine };

/** The `--app-host` value that puts the apps in a namespace of their own. */
export const NETNS_APP_HOST = 'netns';
/**
 * The link index of the app namespace. --db-rtt's netem links count up from 0
 * (harness/net/link.ts planLink); the last index keeps them apart.
 */
export const APP_LINK_INDEX = 62;

/** Pure: the meaning of an `--app-host` value; absent is 127.0.0.1. */
export function parseAppHost(value: string | undefined): AppHostSpec {
  if (value === undefined || value === '') return { kind: 'address', host: DEFAULT_APP_HOST };
  if (value === NETNS_APP_HOST) return { kind: 'netns' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { kind: 'docker-engine', engine: parseDockerEngine(value) };
  if (/[\s/]/.test(value)) {
    throw new BenchError('USAGE', `--app-host '${value}': not an address, 'netns', or a Docker engine URL`, {
      hint: 'e.g. --app-host 10.0.0.5, --app-host netns, --app-host ssh://bench@app-host, --app-host tcp://app-host:2376 (docs/network.md)',
    });
  }
  return { kind: 'address', host: value };
}

/** The apps' side of a run: where they bind and are reached, and how they reach the database. */
export interface AppHost {
  spec: AppHostSpec;
  /** The address apps bind to and the load generator targets. */
  host: string;
  /** What apps bind to when it is not `host` (a remote engine's host network: every interface). */
  bindHost?: string | undefined;
  /** Local runtime: the namespace apps are started in. */
  netns?: string | undefined;
  /** The database URL as the apps reach it from their host (a relay for a namespace). */
  databaseUrl(url: string): string;
  /** Relay processes, sampled as `proxy` beside the --db-rtt proxy. */
  pids: number[];
  /** What results.json records about where each party ran. */
  topology: Topology;
  /** Removes the relay, the namespace and its veth pair; safe to call twice. */
  stop(): Promise<void>;
}

export interface AppHostOptions {
  runId: string;
  /** Every database URL apps may be given (the direct one and one per --db-rtt path). */
  databaseUrls: string[];
  /** The relay runs on the database's CPUs, as the network stack of a database host would. */
  dbCpus: number[];
  runtime: 'local' | 'docker';
}

/** Pure: whether a host name or address is this machine's loopback. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** Pure: the topology of a run whose apps bind `app` and whose database is at `databaseUrl`. */
export function topologyOf(app: Topology['app'], databaseUrl: string, via?: string): Topology {
  const { host, port } = hostPortOf(databaseUrl);
  return { app, database: { host, port, ...(via ? { via } : {}) }, loadgen: 'local' };
}

/**
 * Sets up the apps' host: nothing for an address or an engine; for `netns`, the namespace
 * and veth pair (harness/net/link.ts) and a zero-delay relay on the host end that forwards
 * to each database URL, because the embedded database listens on 127.0.0.1 only. Everything
 * registers with the cleanup registry as it is created.
 */
export async function openAppHost(spec: AppHostSpec, o: AppHostOptions): Promise<AppHost> {
  const direct = o.databaseUrls[0]!;
  if (spec.kind === 'address') {
    return { spec, host: spec.host, databaseUrl: (url) => url, pids: [], topology: topologyOf({ host: spec.host }, direct), stop: async () => undefined };
  }
  if (spec.kind === 'docker-engine') {
    if (o.runtime !== 'docker') {
      throw new BenchError('USAGE', `--app-host ${spec.engine.url} is a Docker engine, but the run uses the ${o.runtime} runtime`, {
        hint: 'add --runtime docker',
      });
    }
    const local = o.databaseUrls.find((url) => isLoopback(hostPortOf(url).host));
    if (local) {
      throw new BenchError(
        'USAGE',
        `--app-host ${spec.engine.url}: the apps there cannot reach a database at ${hostPortOf(local).host}, which is this machine's loopback`,
        {
          hint: 'give the database host as the app host sees it: --db postgres://user:password@db-host:5432/hello_world; --db-rtt needs apps on this machine (docs/network.md)',
        },
      );
    }
    return {
      spec,
      host: spec.engine.host,
      // Host networking on the engine's machine: every interface, so the load generator here reaches it by name.
      bindHost: '0.0.0.0',
      databaseUrl: (url) => url,
      pids: [],
      topology: topologyOf({ host: spec.engine.host, engine: spec.engine.url }, direct),
      stop: async () => undefined,
    };
  }
  if (o.runtime !== 'local')
    throw new BenchError('USAGE', '--app-host netns starts the apps as local processes in a namespace', { hint: 'add --runtime local' });
  return openNamespaceHost(spec, o);
}

async function openNamespaceHost(spec: AppHostSpec, o: AppHostOptions): Promise<AppHost> {
  const plan = planLink(o.runId, APP_LINK_INDEX);
  const link: Link = await createLink(plan);
  let relay: RunningProxy | undefined;
  const stop = async () => {
    await relay?.stop().catch(() => undefined);
    await link.remove();
  };
  try {
    const urls = [...new Set(o.databaseUrls)];
    relay = await startProxy(
      {
        title: `crossover-relay-${runTag(o.runId)}`,
        listeners: urls.map((url) => {
          const target = hostPortOf(url);
          return { bindHost: plan.hostAddr, bindPort: 0, oneWayDelayMs: 0, targetHost: target.host, targetPort: target.port };
        }),
      },
      o.dbCpus,
    );
    const ports = relay.ports;
    const mapped = new Map(urls.map((url, i) => [url, withHostPort(url, plan.hostAddr, ports[i]!)]));
    return {
      spec,
      host: plan.nsAddr,
      netns: plan.netns,
      databaseUrl(url) {
        const through = mapped.get(url);
        if (!through)
          throw new BenchError('NETWORK', `the app namespace ${plan.netns} has no relay to the database URL of this cell`, {
            hint: 'a bug: openAppHost was not given every database URL',
          });
        return through;
      },
      pids: [relay.pid],
      topology: topologyOf({ host: plan.nsAddr, netns: plan.netns }, urls[0]!, `relay on ${plan.hostAddr} (veth ${plan.hostIf})`),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The runtime with every app started on the app host: bound to its address, in its namespace, reaching the database its way. */
export function onAppHost(runtime: Runtime, host: AppHost): Runtime {
  return {
    kind: runtime.kind,
    prepare: (app, log) => runtime.prepare(app, log),
    start: (spec) => runtime.start({ ...spec, host: host.host, bindHost: host.bindHost, netns: host.netns, databaseUrl: host.databaseUrl(spec.databaseUrl) }),
    close: () => runtime.close(),
  };
}
