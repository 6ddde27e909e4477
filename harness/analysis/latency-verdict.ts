import type { LatencyVerdict } from '../results/analysis-schema.ts';
import type { Rng } from '../util/random.ts';
import { CONVERGED_SPREAD } from './crossover.ts';
import { DEFAULT_LEVEL, DEFAULT_RESAMPLES, type Interval, MIN_SAMPLE, percentileInterval } from './intervals.ts';
import { stored } from './ratios.ts';
import { median } from './stats.ts';

/**
 * The p99 spread at one latency (highest median p99 / lowest - 1, analysis/latency.ts) with its
 * 95% interval: each framework's repeats are resampled on their own (open-loop cells of a
 * restart run are measured apart), the medians taken, and the spread of each resample
 * collected. Undefined when a framework has fewer than MIN_SAMPLE repeats.
 */
export function p99SpreadInterval(p99s: readonly (readonly number[])[], rng: Rng, resamples = DEFAULT_RESAMPLES): Interval | undefined {
  if (p99s.length < 2 || p99s.some((r) => r.length < MIN_SAMPLE)) return undefined;
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    stats[b] = spreadOf(p99s.map((values) => median(Array.from(values, () => values[Math.floor(rng() * values.length)]!))));
  }
  return percentileInterval(pointSpread(p99s), stats, DEFAULT_LEVEL);
}

/** Highest median / lowest median - 1 (infinite when a median is 0). */
function spreadOf(medians: readonly number[]): number {
  const low = Math.min(...medians);
  return low > 0 ? Math.max(...medians) / low - 1 : Number.POSITIVE_INFINITY;
}

/** The spread of the frameworks' median p99s. */
const pointSpread = (p99s: readonly (readonly number[])[]) => spreadOf(p99s.map((v) => median([...v])));

/** One latency of a sweep: its spread interval, or why there is none (a framework unsustained or with too few repeats). */
export interface SpreadAt {
  dbLatencyMs: number;
  /** Undefined: some framework did not sustain the rate here (not converged). */
  p99s: (readonly number[])[] | undefined;
}

/**
 * Pure: the latency crossover as a statistical statement, like the throughput crossover's
 * (analysis/verdict.ts). A latency is converged when the whole interval of its p99 spread lies
 * at or below 10%, not converged when it lies above (or a framework was unsustained there),
 * undecided when it straddles the line. Below 3 repeats there is no interval, and the spread of
 * the medians decides, as the point estimates did before. The crossover is the smallest latency
 * from which every larger one is converged.
 */
export function latencyVerdict(at: readonly SpreadAt[], rngFor: (ms: number) => Rng): LatencyVerdict {
  const sorted = [...at].sort((a, b) => a.dbLatencyMs - b.dbLatencyMs);
  let fromMs: number | undefined;
  let blocking: { ms: number; state: 'no' | 'undecided'; spread?: Interval | undefined } | undefined;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const { dbLatencyMs, p99s } = sorted[i]!;
    const spread = p99s ? p99SpreadInterval(p99s, rngFor(dbLatencyMs)) : undefined;
    const state = !p99s
      ? 'no'
      : !spread
        ? pointSpread(p99s) <= CONVERGED_SPREAD
          ? 'yes'
          : 'no'
        : spread.high <= CONVERGED_SPREAD
          ? 'yes'
          : spread.low > CONVERGED_SPREAD
            ? 'no'
            : 'undecided';
    if (state !== 'yes') {
      blocking = { ms: dbLatencyMs, state, spread };
      break;
    }
    fromMs = dbLatencyMs;
  }
  if (blocking?.state === 'undecided') return { answer: 'undecided', atMs: blocking.ms, spread: stored(blocking.spread), fromMs };
  if (fromMs !== undefined) return { answer: 'converged', fromMs };
  return { answer: 'never', ...(blocking ? { atMs: blocking.ms, spread: stored(blocking.spread) } : {}) };
}
