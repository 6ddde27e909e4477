import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { hostPortOf, withHostPort } from '../db/rtt-path.ts';
import { BenchError, errorLine } from '../errors.ts';
import { runTag } from './link.ts';
import { startProxy } from './proxy.ts';

/**
 * A zero-delay relay (the delay proxy's program with no delay) that makes databases on this
 * machine's loopback reachable from the apps' host: one port per database URL, bound to one
 * address of this machine that the apps' host can reach. Used by `--app-host netns` (bound
 * to the veth's host end) and by a remote Docker engine (bound to the address this machine
 * uses toward the engine). Its CPU is sampled as `proxy`.
 */
export interface Relay {
  pid: number;
  /** The URL as the apps reach it through the relay; a URL the relay does not carry is refused. */
  databaseUrl(url: string): string;
  /** What the topology records as the database's `via`. */
  via: string;
  stop(): Promise<void>;
}

export interface RelayOptions {
  runId: string;
  /** The address of this machine the relay listens on. */
  bindHost: string;
  /** The database URLs to carry, each to its own port. */
  urls: string[];
  /** The relay runs on the database's CPUs, as the network stack of a database host would. */
  cpus: number[];
  /** Where `bindHost` is, for the topology: `veth xbh...`, `toward app-host`. */
  where: string;
}

/** Starts the relay (stopped by stop() or the cleanup registry on Ctrl-C). */
export async function startRelay(o: RelayOptions): Promise<Relay> {
  const urls = [...new Set(o.urls)];
  const relay = await startProxy(
    {
      title: `crossover-relay-${runTag(o.runId)}`,
      listeners: urls.map((url) => {
        const target = hostPortOf(url);
        return { bindHost: o.bindHost, bindPort: 0, oneWayDelayMs: 0, targetHost: target.host, targetPort: target.port };
      }),
    },
    o.cpus,
  );
  const mapped = new Map(urls.map((url, i) => [url, withHostPort(url, o.bindHost, relay.ports[i]!)]));
  return {
    pid: relay.pid,
    via: `relay on ${o.bindHost} (${o.where})`,
    databaseUrl(url) {
      const through = mapped.get(url);
      if (!through)
        throw new BenchError('NETWORK', `the relay on ${o.bindHost} carries no database URL for this cell (port ${hostPortOf(url).port})`, {
          hint: 'a bug: openAppHost was not given every database URL',
        });
      return through;
    },
    stop: () => relay.stop(),
  };
}

/**
 * The address this machine sends from toward `host`: what a relay must listen on for that
 * host to reach it. A connected UDP socket asks the kernel's routing table and sends
 * nothing; a host name is resolved first, as connecting to the engine does anyway.
 */
export async function localAddressToward(host: string): Promise<string> {
  let address: { address: string; family: number };
  try {
    address = await lookup(host);
  } catch (cause) {
    throw new BenchError('NETWORK', `cannot resolve ${host}, the app host: ${errorLine(cause)}`, { cause });
  }
  const socket = dgram.createSocket(address.family === 6 ? 'udp6' : 'udp4');
  try {
    // The port only completes the address: connect() on UDP picks a route and sends no packet.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, address.address, () => resolve());
    });
    return socket.address().address;
  } catch (cause) {
    throw new BenchError('NETWORK', `this machine has no route to ${host} (${address.address}), the app host: ${errorLine(cause)}`, { cause });
  } finally {
    socket.close();
  }
}
