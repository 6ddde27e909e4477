import type { Measurement } from '../results/schema.ts';
import type { AutocannonResult, LoadWindow } from './autocannon.ts';

/**
 * Pure: autocannon's raw result -> Measurement. rps counts 2xx responses only. With the
 * measured window (a time slice of one continuous run) every figure comes from it, at
 * full precision; older raw files have only autocannon's own result: its mean is replaced
 * by the exact one when given, and its percentiles are whole milliseconds.
 */
export function normalizeAutocannon(raw: AutocannonResult, latencyMeanExactMs?: number, window?: LoadWindow): Measurement {
  if (window) {
    return {
      rps: window.responses2xx / window.durationS,
      autocannonRequestsAverage: raw.requests.average,
      durationS: window.durationS,
      requests2xx: window.responses2xx,
      latencyMeanMs: window.latencyMeanMs,
      latencyP50Ms: window.latencyP50Ms,
      latencyP90Ms: window.latencyP90Ms,
      latencyP99Ms: window.latencyP99Ms,
      latencyMaxMs: window.latencyMaxMs,
      errors: window.errors,
      timeouts: window.timeouts,
      non2xx: window.non2xx,
      resets: raw.resets,
      throughputBytesPerS: window.bytes / window.durationS,
    };
  }
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
