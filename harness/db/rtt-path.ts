import { errorLine } from '../errors.ts';
import { createLink, type Link, planLink, runTag } from '../net/link.ts';
import { chooseNetworkMethod, type NetworkMethod } from '../net/method.ts';
import { type RunningProxy, startProxy } from '../net/proxy.ts';
import type { ProxyListener } from '../net/proxy-spec.ts';
import type { NetworkRecord } from '../results/schema.ts';
import { addedRttMs, measureSelectRtt, RTT_ITERATIONS, type RttSummary, requireRtt, rttProblem, summarizeRtt } from './rtt.ts';

/** The database as the apps reach it at each --db-rtt, and what carries the delay. */
export interface DatabasePaths {
  method: NetworkMethod;
  /** The database URL for a round trip (0: the database's own URL). */
  urlFor(rttMs: number): string;
  /** Processes of the path (proxy, relays), sampled as `proxy`; empty for none. */
  pids: number[];
  /** What the results record: the method and the measured round trips. */
  record: NetworkRecord;
  /** Removes proxies, namespaces and veth pairs; safe to call twice. */
  stop(): Promise<void>;
}

/** Pure: `url` with its host and port replaced (user, password and database kept). */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

/** Pure: the host and port of a postgres URL (5432 when it names none). */
export function hostPortOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port ? Number(u.port) : 5432 };
}

export interface PathOptions {
  databaseUrl: string;
  rttsMs: number[];
  /** The database's CPUs: the proxy runs there, as the network stack of a database host would. */
  cpus: number[];
  runId: string;
  /** Tests pass a fixed method (and skip netem detection). */
  method?: NetworkMethod | undefined;
}

/**
 * Builds the path for every non-zero RTT, then measures each with SELECT 1 against the direct
 * one; a path more than 20% off fails with NETWORK and the figures (db/rtt.ts). Everything it
 * started is removed on failure, by stop(), or by the cleanup registry on Ctrl-C.
 */
export async function openDatabasePaths(o: PathOptions): Promise<DatabasePaths> {
  const rtts = [...new Set(o.rttsMs.filter((r) => r > 0))];
  const chosen = o.method ? { method: o.method, reason: 'chosen by the caller' } : await chooseNetworkMethod(rtts);
  const method: NetworkMethod = rtts.length === 0 ? 'none' : chosen.method;
  const urls = new Map<number, string>();
  const names = new Map<number, string[]>();
  const proxies: RunningProxy[] = [];
  const links: Link[] = [];
  const stop = async () => {
    for (const p of proxies.splice(0).reverse()) await p.stop().catch(() => undefined);
    for (const l of links.splice(0).reverse()) await l.remove().catch(() => undefined);
  };
  try {
    const target = hostPortOf(o.databaseUrl);
    const title = `crossover-proxy-${runTag(o.runId)}`;
    const direct = summarizeRtt(await measureSelectRtt(o.databaseUrl));
    const calibrationMs = new Map<number, number>();
    if (method === 'proxy') {
      const start = async (overheadMs: (rtt: number) => number) => {
        const listeners: ProxyListener[] = rtts.map((rtt) => ({
          bindHost: '127.0.0.1',
          bindPort: 0,
          oneWayDelayMs: Math.max(0, rtt - overheadMs(rtt)) / 2,
          targetHost: target.host,
          targetPort: target.port,
        }));
        const proxy = await startProxy({ title, listeners }, o.cpus);
        proxies.push(proxy);
        rtts.forEach((rtt, i) => {
          urls.set(rtt, withHostPort(o.databaseUrl, '127.0.0.1', proxy.ports[i]!));
          names.set(rtt, [title]);
        });
      };
      await start(() => 0);
      // The proxy's own hop and wakeups add a near-constant (0.3-0.5 ms on a loaded 2-core machine),
      // which is taken off its delay. One correction from one measurement over- or under-shot by up
      // to 25% as the machine's load changed, so it is refined: measure, correct by what is still off,
      // restart, until within CALIBRATION_TOLERANCE or CALIBRATION_ROUNDS (docs/network.md).
      for (let round = 0; round < CALIBRATION_ROUNDS; round++) {
        let converged = true;
        for (const rtt of rtts) {
          const added = addedRttMs(summarizeRtt(await measureSelectRtt(urls.get(rtt)!, CALIBRATION_ITERATIONS)), direct);
          if (Math.abs(added / rtt - 1) > CALIBRATION_TOLERANCE) converged = false;
          calibrationMs.set(rtt, nextOverheadMs(rtt, calibrationMs.get(rtt) ?? 0, added));
        }
        if (converged) break;
        await proxies.pop()!.stop();
        await start((rtt) => calibrationMs.get(rtt) ?? 0);
      }
    } else if (method === 'netem') {
      await openNetemPaths(o, rtts, target, title, {
        urls,
        names,
        proxies,
        links,
      });
    }
    const paths: NetworkRecord['paths'] = [];
    // The loopback baseline the record shows: the direct samples of the final, paired checks.
    const directSamples: number[] = [];
    for (const rtt of rtts) {
      const check = await checkPath(o.databaseUrl, urls.get(rtt)!, rtt);
      directSamples.push(...check.directSamples);
      const calibration = calibrationMs.get(rtt);
      paths.push({
        requestedRttMs: rtt,
        measured: check.through,
        addedMs: addedRttMs(check.through, check.direct),
        names: names.get(rtt) ?? [],
        ...(calibration ? { calibrationMs: calibration } : {}),
      });
      requireRtt(rtt, check.through, check.direct);
    }
    return {
      method,
      urlFor: (rtt) => (rtt > 0 ? (urls.get(rtt) ?? missing(rtt)) : o.databaseUrl),
      pids: proxies.map((p) => p.pid),
      record: {
        method,
        reason: rtts.length === 0 ? 'no --db-rtt' : chosen.reason,
        direct: rtts.length > 0 ? summarizeRtt(directSamples) : undefined,
        paths,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The final check of a path: the direct path and the path itself measured in alternating
 * blocks, so both see the same moments of the machine. The direct path measured once before
 * calibration, seconds earlier, let a passing slowdown read as the proxy's: a CI run refused
 * a 1 ms path that added 1.889 ms (docs/network.md). A check still more than RTT_TOLERANCE
 * off is repeated, up to CHECK_ATTEMPTS times, before the run is refused; each attempt is
 * a whole paired measurement, and the last one is what results.json records.
 */
async function checkPath(directUrl: string, throughUrl: string, rttMs: number): Promise<{ direct: RttSummary; through: RttSummary; directSamples: number[] }> {
  let last: { direct: RttSummary; through: RttSummary; directSamples: number[] } | undefined;
  for (let attempt = 0; attempt < CHECK_ATTEMPTS; attempt++) {
    const direct: number[] = [];
    const through: number[] = [];
    for (let block = 0; block < CHECK_BLOCKS; block++) {
      direct.push(...(await measureSelectRtt(directUrl, RTT_ITERATIONS / CHECK_BLOCKS)));
      through.push(...(await measureSelectRtt(throughUrl, RTT_ITERATIONS / CHECK_BLOCKS)));
    }
    last = { direct: summarizeRtt(direct), through: summarizeRtt(through), directSamples: direct };
    if (rttProblem(rttMs, last.through, last.direct) === undefined) return last;
  }
  return last!;
}

/** Alternating blocks per check: 4 x 50 round trips a side, each block well under a second at 1 ms. */
const CHECK_BLOCKS = 4;
/** A path off in three paired checks in a row is off, not unlucky. */
const CHECK_ATTEMPTS = 3;

/** Round trips of each calibration measurement: enough for a median. */
const CALIBRATION_ITERATIONS = 100;
/** Half the 20% the run allows: a path calibrated this close keeps its margin when measured again. */
const CALIBRATION_TOLERANCE = 0.1;
/** Each round costs about 100 round trips and a proxy restart: a few tenths of a second. */
const CALIBRATION_ROUNDS = 4;

/**
 * Pure: the overhead to take off the proxy's delay next, from the one in force and the round
 * trip it gave: what is still off is added (or given back), within 0..requested.
 */
export function nextOverheadMs(requestedMs: number, currentOverheadMs: number, addedMs: number): number {
  return Math.min(requestedMs, Math.max(0, currentOverheadMs + (addedMs - requestedMs)));
}

function missing(rtt: number): never {
  throw new Error(`no database path for --db-rtt ${rtt}: the run was planned without it`);
}

/**
 * netem (untested on the machine this was written on, which has no sch_netem): per RTT a
 * namespace and veth pair with netem on both ends. A zero-delay relay on the host end
 * (hostAddr -> the database) and a zero-delay forwarder in the namespace (nsAddr -> the
 * relay) carry each connection across the pair twice, so a round trip crosses four egress
 * qdiscs: each adds RTT/4 (docs/network.md).
 */
async function openNetemPaths(
  o: PathOptions,
  rtts: number[],
  target: { host: string; port: number },
  title: string,
  out: {
    urls: Map<number, string>;
    names: Map<number, string[]>;
    proxies: RunningProxy[];
    links: Link[];
  },
): Promise<void> {
  const plans = rtts.map((rtt, i) => planLink(o.runId, i, rtt / 4));
  for (const plan of plans) out.links.push(await createLink(plan));
  const relay = await startProxy(
    {
      title: `${title}-relay`,
      listeners: plans.map((p) => ({
        bindHost: p.hostAddr,
        bindPort: 0,
        oneWayDelayMs: 0,
        targetHost: target.host,
        targetPort: target.port,
      })),
    },
    o.cpus,
  );
  out.proxies.push(relay);
  for (const [i, plan] of plans.entries()) {
    const forwarder = await startProxy(
      {
        title: `${title}-ns${i}`,
        listeners: [
          {
            bindHost: plan.nsAddr,
            bindPort: 0,
            oneWayDelayMs: 0,
            targetHost: plan.hostAddr,
            targetPort: relay.ports[i]!,
          },
        ],
      },
      o.cpus,
      plan.netns,
    ).catch((error: unknown) => {
      throw new Error(`the forwarder in ${plan.netns}: ${errorLine(error)}`);
    });
    out.proxies.push(forwarder);
    out.urls.set(rtts[i]!, withHostPort(o.databaseUrl, plan.nsAddr, forwarder.ports[0]!));
    out.names.set(rtts[i]!, [plan.netns, plan.hostIf, plan.nsIf]);
  }
}
