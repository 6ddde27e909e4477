import { hostPortOf } from '../db/rtt-path.ts';
import { BenchError } from '../errors.ts';
import type { Topology } from '../results/schema.ts';
import { DEFAULT_APP_HOST, type Runtime } from '../runtime/types.ts';
import { type DockerEngine, engineAppCpus, parseDockerEngine } from './docker-engine.ts';
import { createLink, type Link, planLink } from './link.ts';
import { localAddressToward, type Relay, startRelay } from './relay.ts';

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
  /** A remote engine: the engine's cores the apps are pinned to, instead of this machine's layout. */
  cpus?: number[] | undefined;
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
  /** How many cores this machine's layout gives the app: a remote engine pins as many of its own. */
  appCpuCount?: number | undefined;
  /** A remote engine's CPU count (its `docker info` NCPU); undefined for a local engine. */
  engineCpuCount?: number | undefined;
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
 * Sets up the apps' host: nothing for an address; for `netns`, the namespace and veth pair
 * (harness/net/link.ts); for `netns` and a remote engine, a zero-delay relay (net/relay.ts)
 * on this machine's address facing the apps' host, forwarding to each database URL on
 * loopback (the embedded database, the --db-rtt paths), which the apps over there could not
 * reach otherwise. Everything registers with the cleanup registry as it is created.
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
    return openEngineHost(spec, o);
  }
  if (o.runtime !== 'local')
    throw new BenchError('USAGE', '--app-host netns starts the apps as local processes in a namespace', { hint: 'add --runtime local' });
  return openNamespaceHost(o);
}

/**
 * A remote engine: apps on its host network, bound to every interface, reached at its host
 * name. Database URLs on this machine's loopback go through a relay on the address this
 * machine uses toward the engine (none is needed when that is loopback: an engine on this
 * machine reached over tcp://127.0.0.1); other URLs (`--db postgres://...@db-host/...`) are
 * given to the apps as they are.
 */
async function openEngineHost(spec: AppHostSpec & { kind: 'docker-engine' }, o: AppHostOptions): Promise<AppHost> {
  const engine = spec.engine;
  const appCpus = o.engineCpuCount === undefined ? undefined : engineAppCpus(o.appCpuCount ?? 1, o.engineCpuCount);
  const app = { host: engine.host, engine: engine.url, ...(appCpus ? { cpus: appCpus } : {}) };
  const common = { spec, host: engine.host, bindHost: '0.0.0.0', cpus: appCpus };
  const onLoopback = [...new Set(o.databaseUrls.filter((url) => isLoopback(hostPortOf(url).host)))];
  const address = onLoopback.length > 0 ? await localAddressToward(engine.host) : undefined;
  if (address === undefined || isLoopback(address)) {
    return { ...common, databaseUrl: (url) => url, pids: [], topology: topologyOf(app, o.databaseUrls[0]!), stop: async () => undefined };
  }
  const relay = await startRelay({ runId: o.runId, bindHost: address, urls: onLoopback, cpus: o.dbCpus, where: `toward ${engine.host}` });
  return {
    ...common,
    databaseUrl: (url) => (isLoopback(hostPortOf(url).host) ? relay.databaseUrl(url) : url),
    pids: [relay.pid],
    topology: topologyOf(app, o.databaseUrls[0]!, relay.via),
    stop: () => relay.stop().catch(() => undefined),
  };
}

async function openNamespaceHost(o: AppHostOptions): Promise<AppHost> {
  const plan = planLink(o.runId, APP_LINK_INDEX);
  const link: Link = await createLink(plan);
  let relay: Relay | undefined;
  const stop = async () => {
    await relay?.stop().catch(() => undefined);
    await link.remove();
  };
  try {
    relay = await startRelay({ runId: o.runId, bindHost: plan.hostAddr, urls: o.databaseUrls, cpus: o.dbCpus, where: `veth ${plan.hostIf}` });
    return {
      spec: { kind: 'netns' },
      host: plan.nsAddr,
      netns: plan.netns,
      databaseUrl: relay.databaseUrl,
      pids: [relay.pid],
      topology: topologyOf({ host: plan.nsAddr, netns: plan.netns }, o.databaseUrls[0]!, relay.via),
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
    start: (spec) =>
      runtime.start({
        ...spec,
        host: host.host,
        bindHost: host.bindHost,
        netns: host.netns,
        cpus: host.cpus ?? spec.cpus,
        databaseUrl: host.databaseUrl(spec.databaseUrl),
      }),
    close: () => runtime.close(),
  };
}
