import { effectiveHoldMs } from '../db/rtt-hold.ts';
import type { EffectiveLatency, LittleBound, StatementProtocol } from '../results/analysis-schema.ts';
import type { Ceiling, Results } from '../results/schema.ts';
import { littleBound } from './attribution.ts';

/**
 * A setting whose effective latency is more than 20% off the requested one is flagged. At
 * 20% the Little's-law bound computed from the requested latency would be off by
 * 1 - 1/1.2 = 17%, beyond NEAR_BOUND's 15% tolerance, so a label read against it could
 * be wrong; below it the query's own time and the timer's slack stay inside that tolerance.
 * pg_sleep's floor of about 2.1 ms on a 2-core VM made `1 ms` read 2.1 (110% off).
 */
export const EFFECTIVE_LATENCY_TOLERANCE = 0.2;

/** A ceiling's protocol; files before version 2 and the node-postgres stand-in prepared their statements. */
export const ceilingProtocol = (c: Ceiling): StatementProtocol => c.protocol ?? 'prepared';

/** Stable name of a ceiling: `loadgen/c64`, `database/slow-db/c64/10ms/prepared`, `.../10ms/rtt0.5/prepared` through a round trip. */
export function ceilingId(c: Ceiling): string {
  if (c.kind === 'loadgen') return `loadgen/c${c.connections}${(c.pipelining ?? 1) > 1 ? `/p${c.pipelining}` : ''}`;
  const rtt = c.dbRttMs ? `/rtt${c.dbRttMs}` : '';
  return `database/${c.scenario ?? '?'}/c${c.connections}${c.dbLatencyMs === undefined ? '' : `/${c.dbLatencyMs}ms`}${rtt}/${ceilingProtocol(c)}`;
}

/** Ceilings and cells without a round trip are on the direct path: absent and 0 are the same. */
const sameRtt = (a: number | undefined, b: number | undefined) => (a ?? 0) === (b ?? 0);

/** The round trip a path added, and where the figure came from. */
export interface MeasuredRtt {
  rttMs: number;
  /** `loopback`: no round trip added; `measured`: results.network's addedMs; `requested`: the file has no measurement of that path. */
  source: 'loopback' | 'measured' | 'requested';
}

/**
 * Pure: the round trip the path of `dbRttMs` added, as measured before the cells
 * (`results.network.paths[].addedMs`, docs/network.md); 0 on the direct path and in
 * results from before --db-rtt.
 */
export function measuredRtt(results: Pick<Results, 'network'>, dbRttMs: number | undefined): MeasuredRtt {
  if (!dbRttMs) return { rttMs: 0, source: 'loopback' };
  const path = results.network?.paths.find((p) => p.requestedRttMs === dbRttMs);
  return path ? { rttMs: path.addedMs, source: 'measured' } : { rttMs: dbRttMs, source: 'requested' };
}

/**
 * Pure: Little's law with the network in the way: a request holds its connection for the
 * database's effective latency plus the measured round trip (harness/db/rtt.ts
 * effectiveHoldMs), so the bound is min(connections, concurrency, cap) / that hold.
 */
export function littleBoundWithRtt(
  connections: number,
  appConcurrencyLimit: number,
  connectionCap: number,
  effectiveDbLatencyMs: number,
  rttMs: number,
): LittleBound | undefined {
  const bound = littleBound(connections, appConcurrencyLimit, connectionCap, effectiveHoldMs(effectiveDbLatencyMs, rttMs));
  return bound && rttMs > 0 ? { ...bound, rttMs } : bound;
}

export interface CeilingChoice {
  ceiling?: Ceiling | undefined;
  /** Why the ceiling is not of the wanted protocol, when it is not. */
  note?: string | undefined;
}

/**
 * Pure: the database ceiling a cell is judged against: same scenario, connection count,
 * latency and round trip, measured with the app's own statement protocol; else the
 * prepared one, said in the note (an app that declares no protocol is judged against prepared).
 */
export function pickDbCeiling(
  ceilings: readonly Ceiling[],
  cell: { scenario: string; connections: number; dbLatencyMs?: number | undefined; dbRttMs?: number | undefined },
  protocol: StatementProtocol | undefined,
): CeilingChoice {
  const candidates = ceilings.filter(
    (c) =>
      c.kind === 'database' &&
      c.scenario === cell.scenario &&
      c.connections === cell.connections &&
      c.dbLatencyMs === cell.dbLatencyMs &&
      sameRtt(c.dbRttMs, cell.dbRttMs),
  );
  const want = protocol ?? 'prepared';
  const own = candidates.find((c) => ceilingProtocol(c) === want);
  if (own) return { ceiling: own };
  const fallback = candidates.find((c) => ceilingProtocol(c) === 'prepared') ?? candidates[0];
  if (!fallback) return {};
  return {
    ceiling: fallback,
    note: `no ${want}-protocol database ceiling for ${ceilingId(fallback).replace(/\/[a-z]+$/, '')}: judged against the ${ceilingProtocol(fallback)} one`,
  };
}

/**
 * Pure: the latency the database really held each request of a slow-db setting for. From
 * the ceiling run's mean transaction latency; failing that from its clients / requests/s
 * (Little's law: the ceiling keeps `clients` transactions in flight); failing that the
 * requested value. A ceiling measured through a round trip (`rttMs`, --db-rtt) includes it
 * in both figures, so it is taken off: the result is the database's own time, to which the
 * bounds add the round trip back.
 */
export function effectiveLatency(requestedMs: number, ceiling: Ceiling | undefined, clients: number, rttMs = 0): EffectiveLatency {
  let effectiveMs = requestedMs;
  let source: EffectiveLatency['source'] = 'requested';
  if (ceiling?.latencyMeanMs !== undefined && ceiling.latencyMeanMs > 0) {
    effectiveMs = Math.max(0, ceiling.latencyMeanMs - rttMs);
    source = 'pgbench latency';
  } else if (ceiling && ceiling.rps > 0) {
    effectiveMs = Math.max(0, (clients / ceiling.rps) * 1000 - rttMs);
    source = 'ceiling throughput';
  }
  const offBy = requestedMs > 0 ? effectiveMs / requestedMs - 1 : undefined;
  return {
    requestedMs,
    effectiveMs,
    source,
    offBy,
    flagged: offBy !== undefined && Math.abs(offBy) > EFFECTIVE_LATENCY_TOLERANCE,
    ceilingId: ceiling ? ceilingId(ceiling) : undefined,
    ...(rttMs > 0 && source !== 'requested' ? { rttMs } : {}),
  };
}

/** The clients a database ceiling ran with: every in-flight request holds one of the cap's connections. */
export const ceilingClients = (results: Results, connections: number) => Math.min(results.config.connectionCap, connections);

/** Pure: the effective latency of one slow-db setting for one protocol and round trip, with the ceiling choice's note. */
export function latencyFor(
  results: Results,
  scenario: string,
  requestedMs: number,
  connections: number,
  protocol: StatementProtocol | undefined,
  dbRttMs?: number | undefined,
): EffectiveLatency & { note?: string | undefined } {
  const choice = pickDbCeiling(results.ceilings, { scenario, connections, dbLatencyMs: requestedMs, dbRttMs }, protocol);
  return { ...effectiveLatency(requestedMs, choice.ceiling, ceilingClients(results, connections), measuredRtt(results, dbRttMs).rttMs), note: choice.note };
}

/** The protocol an app declares, if its record carries one. */
export const appProtocol = (results: Results, framework: string): StatementProtocol | undefined => results.apps[framework]?.dataAccess?.protocol;
