import { BenchError } from '../errors.ts';

/**
 * A station of a closed, single-class queueing network (docs/analysis.md):
 * - `queue`: one server, first come first served (the app's CPU);
 * - `delay`: as many servers as customers, no waiting (think time);
 * - `multi`: `servers` identical servers sharing one queue (a pool of C connections).
 * `demandS` is the service time one request needs there in total.
 */
export type Station =
  | { kind: 'queue'; name: string; demandS: number }
  | { kind: 'delay'; name: string; demandS: number }
  | { kind: 'multi'; name: string; demandS: number; servers: number };

export interface StationResult {
  name: string;
  /** Time a request spends there, waiting and served. */
  residenceS: number;
  /** Mean requests there. */
  queueLength: number;
  /** Busy share of its servers. */
  utilization: number;
}

export interface MvaResult {
  customers: number;
  throughputPerS: number;
  /** Time a request spends in the stations (think time excluded). */
  responseS: number;
  stations: StationResult[];
}

function check(stations: readonly Station[], customers: number, thinkS: number): void {
  const bad = (what: string) =>
    new BenchError('RESULTS', `mean-value analysis: ${what}`, { hint: 'the model takes measured, positive figures; see docs/analysis.md' });
  if (!Number.isInteger(customers) || customers < 0) throw bad(`customers must be an integer >= 0 (got ${customers})`);
  if (!(thinkS >= 0)) throw bad(`think time must be >= 0 (got ${thinkS})`);
  for (const s of stations) {
    if (!(s.demandS >= 0) || !Number.isFinite(s.demandS)) throw bad(`station '${s.name}': demand must be a finite number >= 0 (got ${s.demandS})`);
    if (s.kind === 'multi' && (!Number.isInteger(s.servers) || s.servers < 1))
      throw bad(`station '${s.name}': servers must be an integer >= 1 (got ${s.servers})`);
  }
  if (customers > 0 && !(stations.reduce((a, s) => a + s.demandS, 0) + thinkS > 0)) throw bad('the stations and the think time cannot all be zero');
}

interface Solution {
  /** Throughput at each population 0..customers. */
  throughputs: number[];
  residence: number[];
  queue: number[];
}

/**
 * The recursion on the population. A multi-server station k with m servers keeps the
 * probabilities p(j) of holding j < m requests:
 *   R(n) = D/m (1 + Q(n-1) + sum_{j=0}^{m-2} (m-1-j) p(j | n-1))
 *   p(j | n) = X(n) D / j p(j-1 | n-1), 1 <= j < m
 *   p(0 | n) = p(0 | n-1) X(n) / X_without_k(n)
 * The last line (p(0 | n) = G_without_k(n) / G(n)) replaces the usual 1 - sum_j p(j | n),
 * which loses every digit when the station is not the bottleneck (tested against the
 * convolution solution): every term here is a product of positive numbers.
 */
function solve(stations: readonly Station[], customers: number, thinkS: number): Solution {
  const without = stations.map((s, k) =>
    s.kind === 'multi'
      ? solve(
          stations.filter((_, i) => i !== k),
          customers,
          thinkS,
        ).throughputs
      : undefined,
  );
  const queue = stations.map(() => 0);
  const marginal = stations.map(() => [1]);
  const throughputs = [0];
  let residence = stations.map(() => 0);
  for (let n = 1; n <= customers; n++) {
    residence = stations.map((s, k) => {
      if (s.kind === 'queue') return s.demandS * (1 + queue[k]!);
      if (s.kind === 'delay') return s.demandS;
      const p = marginal[k]!;
      let idle = 0;
      for (let j = 0; j <= s.servers - 2; j++) idle += (s.servers - 1 - j) * (p[j] ?? 0);
      return (s.demandS / s.servers) * (1 + queue[k]! + idle);
    });
    const x = n / (residence.reduce((a, b) => a + b, 0) + thinkS);
    throughputs.push(x);
    stations.forEach((s, k) => {
      queue[k] = x * residence[k]!;
      if (s.kind !== 'multi') return;
      const p = marginal[k]!;
      // X_without_k is infinite when nothing else holds a request: then all n are here.
      const next = [(p[0]! * x) / without[k]![n]!];
      for (let j = 1; j <= Math.min(n, s.servers - 1); j++) next.push(((x * s.demandS) / j) * (p[j - 1] ?? 0));
      marginal[k] = next;
    });
  }
  return { throughputs, residence, queue };
}

/**
 * Pure: exact mean-value analysis (Reiser and Lavenberg) of a closed network with
 * `customers` requests circulating through `stations` and a think time: the throughput,
 * and the time and requests at each station. Queues use the arrival theorem
 * R(n) = D (1 + Q(n-1)); multi-server stations are load-dependent (see solve()).
 */
export function mva(stations: readonly Station[], customers: number, thinkS = 0): MvaResult {
  check(stations, customers, thinkS);
  const { throughputs, residence, queue } = solve(stations, customers, thinkS);
  const x = throughputs[customers]!;
  return {
    customers,
    throughputPerS: x,
    responseS: residence.reduce((a, b) => a + b, 0),
    stations: stations.map((s, k) => ({
      name: s.name,
      residenceS: residence[k]!,
      queueLength: queue[k]!,
      utilization: (x * s.demandS) / (s.kind === 'multi' ? s.servers : s.kind === 'delay' ? Math.max(1, customers) : 1),
    })),
  };
}

/**
 * The asymptotic bounds of a closed network: X(N) <= min(1 / D_max, N / (D_total + Z)),
 * where a multi-server station counts D / m towards D_max.
 */
export function asymptoticBoundPerS(stations: readonly Station[], customers: number, thinkS = 0): number {
  const total = stations.reduce((a, s) => a + s.demandS, 0);
  const bottleneck = Math.max(0, ...stations.filter((s) => s.kind !== 'delay').map((s) => (s.kind === 'multi' ? s.demandS / s.servers : s.demandS)));
  const byPopulation = total + thinkS > 0 ? customers / (total + thinkS) : Number.POSITIVE_INFINITY;
  return bottleneck > 0 ? Math.min(1 / bottleneck, byPopulation) : byPopulation;
}
