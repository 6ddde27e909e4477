import { mva, type Station } from './mva.ts';

/**
 * Little's law for the crossover: with C requests in the database at once, each holding
 * a connection for L + RTT (the database's effective latency plus the round trip between
 * app and database, docs/network.md), the pool serves at most C / (L + RTT); an app whose
 * own throughput is X stops being the limit from L = C / X - RTT on. Returned in ms of
 * effective database latency; 0 when the round trip alone binds.
 */
export function predictedCrossoverMs(poolConnections: number, ownRps: number, rttMs = 0): number {
  return Math.max(0, (1000 * poolConnections) / ownRps - rttMs);
}

/**
 * Pure: the index of the first swept setting whose effective latency reaches `ms`
 * (`effectiveMs` in sweep order); the sweep's length when none does.
 */
export function stepIndex(effectiveMs: readonly number[], ms: number): number {
  const i = effectiveMs.findIndex((e) => e >= ms);
  return i === -1 ? effectiveMs.length : i;
}

/**
 * Predicted and measured crossovers disagree when they lie more than one sweep step
 * apart: the sweep cannot place a crossover more finely than one step, and the labels
 * allow 15% slack (NEAR_BOUND), which can move it by one step at the knee.
 */
export function stepsDisagree(predictedIndex: number, measuredIndex: number): boolean {
  return Math.abs(predictedIndex - measuredIndex) > 1;
}

export interface CurveModel {
  /** X: the framework's own requests/s on its db cell (one query per request). */
  ownRps: number;
  /** The load generator's connections: requests in flight (a closed loop, no think time). */
  customers: number;
  /** C: connections the app can hold at once, min(app concurrency limit, connection cap). */
  poolConnections: number;
  /**
   * `sync`: a thread per request holds its connection for the whole request (gunicorn
   * gthread, one persistent connection per thread); `async`: an event loop serves every
   * request and holds a pool connection only around the query.
   */
  model: 'sync' | 'async';
}

/**
 * The closed networks of docs/analysis.md. Both have a queue for the app's CPU with
 * demand 1 / X (the app's work for one request with one query, as its db cell measured).
 * - async: all `customers` requests circulate; the pool is a station of C servers, each
 *   held for the effective database latency.
 * - sync: only C requests are inside the app at once (the rest wait in the listen
 *   backlog, costing nothing), and each holds its connection throughout, so the database
 *   is a plain delay of the effective latency for C circulating requests.
 * `holdMs` is that effective latency plus any round trip between app and database
 * (harness/db/rtt-hold.ts): the connection is held for both.
 */
export function curveNetwork(model: CurveModel, holdMs: number): { stations: Station[]; customers: number } {
  const app: Station = { kind: 'queue', name: 'app CPU', demandS: 1 / model.ownRps };
  if (model.model === 'sync') {
    return { customers: Math.min(model.customers, model.poolConnections), stations: [app, { kind: 'delay', name: 'database', demandS: holdMs / 1000 }] };
  }
  return { customers: model.customers, stations: [app, { kind: 'multi', name: 'connection pool', demandS: holdMs / 1000, servers: model.poolConnections }] };
}

/** Pure: predicted requests/s at one hold time (effective latency plus round trip), by exact MVA. */
export function predictedRps(model: CurveModel, holdMs: number): number {
  const { stations, customers } = curveNetwork(model, holdMs);
  return mva(stations, customers).throughputPerS;
}

/** measured / predicted - 1; undefined without both. */
export function predictionError(measuredRps: number | undefined, predicted: number | undefined): number | undefined {
  return measuredRps !== undefined && predicted !== undefined && predicted > 0 ? measuredRps / predicted - 1 : undefined;
}
