import type { Measurement } from '../results/schema.ts';
import type { AutocannonResult } from './autocannon.ts';

/**
 * Pure: autocannon's raw result -> Measurement. rps counts 2xx responses only. The mean
 * latency is the exact one summed from every response when given; percentiles come from
 * autocannon's histogram of whole milliseconds.
 */
export function normalizeAutocannon(raw: AutocannonResult, latencyMeanExactMs?: number): Measurement {
  const durationS = raw.duration;
  return {
    rps: durationS > 0 ? raw['2xx'] / durationS : 0,
    autocannonRequestsAverage: raw.requests.average,
    durationS,
    requests2xx: raw['2xx'],
    latencyMeanMs: latencyMeanExactMs ?? raw.latency.average,
    latencyP50Ms: raw.latency.p50,
    latencyP90Ms: raw.latency.p90,
    latencyP99Ms: raw.latency.p99,
    latencyMaxMs: raw.latency.max,
    errors: raw.errors,
    timeouts: raw.timeouts,
    non2xx: raw.non2xx,
    resets: raw.resets,
    throughputBytesPerS: raw.throughput.average,
  };
}
