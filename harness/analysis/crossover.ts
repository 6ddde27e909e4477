import type { Bottleneck } from './attribution.ts';

/** Frameworks within 10% of each other are, for a reader, equally fast (issue brief; TechEmpower's rounds show run-to-run spread of a few %). */
export const CONVERGED_SPREAD = 0.1;

export interface SweepPoint {
  dbLatencyMs: number;
  rps: number;
  label: Bottleneck;
}

const DB_BOUND: ReadonlySet<Bottleneck> = new Set(['database', 'concurrency limit']);

/**
 * Pure: the smallest swept latency from which this framework is database- or
 * concurrency-bound at that latency and every larger one; undefined if never.
 */
export function frameworkCrossoverMs(points: SweepPoint[]): number | undefined {
  const sorted = [...points].sort((a, b) => a.dbLatencyMs - b.dbLatencyMs);
  let crossover: number | undefined;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (!DB_BOUND.has(sorted[i]!.label)) break;
    crossover = sorted[i]!.dbLatencyMs;
  }
  return crossover;
}

/** (fastest - slowest) / fastest among the frameworks at one latency. */
export function relativeSpread(rpsValues: number[]): number {
  if (rpsValues.length < 2) return 0;
  const max = Math.max(...rpsValues);
  return max > 0 ? (max - Math.min(...rpsValues)) / max : 0;
}

/**
 * Pure: the smallest latency from which every framework lies within CONVERGED_SPREAD of
 * the fastest, at that latency and every larger one. `byLatency` maps latency -> the
 * frameworks' requests/s there (only latencies every framework was measured at).
 */
export function overallCrossoverMs(byLatency: Map<number, number[]>): number | undefined {
  const latencies = [...byLatency.keys()].sort((a, b) => a - b);
  let crossover: number | undefined;
  for (let i = latencies.length - 1; i >= 0; i--) {
    if (relativeSpread(byLatency.get(latencies[i]!)!) > CONVERGED_SPREAD) break;
    crossover = latencies[i];
  }
  return crossover;
}
