import type { Rng } from '../util/random.ts';

/**
 * Pure: percentile-bootstrap confidence intervals and the statements they support. The
 * method, its assumptions and the coverage it really has at small samples, measured by
 * simulation: docs/analysis.md, section 8. No clock, no Math.random: the caller passes the
 * random source, so the same data and seed always give the same interval.
 */

/** A statistic with its confidence interval. */
export interface Interval {
  /** The statistic of the data as measured (not of the resamples). */
  estimate: number;
  low: number;
  high: number;
  /** The nominal confidence level, 0.95. What it covers at small samples: docs/analysis.md. */
  level: number;
}

export interface BootstrapOptions {
  rng: Rng;
  /** How many resamples; DEFAULT_RESAMPLES when absent. */
  resamples?: number | undefined;
  /** The confidence level; DEFAULT_LEVEL when absent. */
  level?: number | undefined;
}

export const DEFAULT_LEVEL = 0.95;

/**
 * 2,000 resamples. The seed moves an interval's ends a little: over 20 seeds on 20 simulated
 * pairs of 25 values, the ends of a ratio of medians moved by a median 7.5% of the interval's
 * width (14% at most), 5.5% with 5,000 resamples (docs/analysis.md). Verdicts are
 * reproducible anyway, since the seed is fixed; more resamples would buy little for their time.
 */
export const DEFAULT_RESAMPLES = 2000;

/**
 * Fewer values give no interval. With 2 values the percentile bootstrap of a median is their
 * range, which covers the true median half of the time; with 3 it covers 75%, and the
 * ratio of two medians of 3 covers 90% (docs/analysis.md gives the figures and why).
 */
export const MIN_SAMPLE = 3;

export function medianOf(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One resample with replacement of `values`, into `into`. */
function resampleInto(values: ArrayLike<number>, into: Float64Array, rng: Rng): Float64Array {
  const n = values.length;
  for (let i = 0; i < into.length; i++) into[i] = values[Math.floor(rng() * n)]!;
  return into;
}

/**
 * The medians of `resamples` resamples of `values`. A resample only repeats the values, so
 * it is drawn as counts of each rank of the sorted values and its median read off the
 * running count: no sort per resample (a compare bootstraps every cell of two runs).
 */
function resampledMedians(values: readonly number[], rng: Rng, resamples: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const counts = new Int32Array(n);
  const out = new Float64Array(resamples);
  // 0-based positions of the middle value(s) in a sorted resample: one for odd n, two for even.
  const lower = (n - 1) >> 1;
  const upper = n >> 1;
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]!++;
    let rank = 0;
    let below = 0;
    while (below + counts[rank]! <= lower) below += counts[rank++]!;
    const low = sorted[rank]!;
    while (below + counts[rank]! <= upper) below += counts[rank++]!;
    out[b] = (low + sorted[rank]!) / 2;
  }
  return out;
}

/**
 * The percentile interval: the (1 - level) / 2 and (1 + level) / 2 points of the resampled
 * statistics, taken as order statistics the same distance from either end (with 2,000
 * resamples at 95%: the 51st smallest and the 51st largest).
 */
export function percentileInterval(estimate: number, stats: Float64Array, level: number): Interval | undefined {
  // A median of 0 (nothing measured) makes a ratio infinite: no interval rather than a made-up one.
  if (!Number.isFinite(estimate) || !stats.every(Number.isFinite)) return undefined;
  const sorted = stats.sort();
  const cut = Math.floor((sorted.length * (1 - level)) / 2);
  return { estimate, low: sorted[cut]!, high: sorted[sorted.length - 1 - cut]!, level };
}

const settings = (o: BootstrapOptions) => ({ resamples: o.resamples ?? DEFAULT_RESAMPLES, level: o.level ?? DEFAULT_LEVEL });

/** The median of one sample, with its interval; undefined below MIN_SAMPLE values. */
export function medianInterval(values: readonly number[], options: BootstrapOptions): Interval | undefined {
  if (values.length < MIN_SAMPLE) return undefined;
  const { resamples, level } = settings(options);
  return percentileInterval(medianOf(values), resampledMedians(values, options.rng, resamples), level);
}

/**
 * median(numerator) / median(denominator) of two independent samples (two runs, or two
 * frameworks measured apart), each resampled on its own; undefined when either has fewer
 * than MIN_SAMPLE values.
 */
export function ratioOfMediansInterval(numerator: readonly number[], denominator: readonly number[], options: BootstrapOptions): Interval | undefined {
  if (numerator.length < MIN_SAMPLE || denominator.length < MIN_SAMPLE) return undefined;
  const { resamples, level } = settings(options);
  const top = resampledMedians(numerator, options.rng, resamples);
  const bottom = resampledMedians(denominator, options.rng, resamples);
  const ratios = top.map((t, b) => t / bottom[b]!);
  return percentileInterval(medianOf(numerator) / medianOf(denominator), ratios, level);
}

/**
 * The median of per-round ratios numerator[r] / denominator[r], with its interval: for two
 * frameworks measured in the same rounds, so whatever moved the whole round (the machine's
 * speed from one minute to the next) cancels in each ratio. Rounds, not single values, are
 * resampled. Undefined below MIN_SAMPLE rounds.
 */
export function pairedRatioInterval(numerator: readonly number[], denominator: readonly number[], options: BootstrapOptions): Interval | undefined {
  if (numerator.length !== denominator.length)
    throw new Error(`pairedRatioInterval: ${numerator.length} numerator rounds against ${denominator.length} denominator rounds; pair them first`);
  return medianInterval(
    numerator.map((n, r) => n / denominator[r]!),
    options,
  );
}

/**
 * Any statistic of several independent samples, each resampled on its own. `statistic`
 * receives the samples in the order given (the data first, then each resample); undefined
 * when a sample has fewer than MIN_SAMPLE values.
 */
export function bootstrapInterval(
  samples: readonly (readonly number[])[],
  statistic: (samples: readonly Float64Array[]) => number,
  options: BootstrapOptions,
): Interval | undefined {
  if (samples.length === 0 || samples.some((s) => s.length < MIN_SAMPLE)) return undefined;
  const { resamples, level } = settings(options);
  const buffers = samples.map((s) => new Float64Array(s.length));
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) stats[b] = statistic(samples.map((s, i) => resampleInto(s, buffers[i]!, options.rng)));
  return percentileInterval(statistic(samples.map((s) => Float64Array.from(s))), stats, level);
}

/** Where an interval lies against a threshold. Touching it counts as straddling. */
export type Side = 'above' | 'below' | 'straddles';

export function sideOf(interval: Pick<Interval, 'low' | 'high'>, threshold: number): Side {
  if (interval.low > threshold) return 'above';
  if (interval.high < threshold) return 'below';
  return 'straddles';
}

/** A statistical answer to a yes-or-no question. */
export type Answer = 'yes' | 'no' | 'undecided';

/**
 * "Is the value above `threshold`?", e.g. "within 10% of the fastest" as
 * `above(ratioToFastest, 0.9)`: yes when the whole interval lies above, no when it lies
 * below, undecided when it straddles or touches the threshold, or when there is no interval.
 */
export function above(interval: Pick<Interval, 'low' | 'high'> | undefined, threshold: number): Answer {
  if (!interval) return 'undecided';
  const side = sideOf(interval, threshold);
  return side === 'above' ? 'yes' : side === 'below' ? 'no' : 'undecided';
}

/** Half the interval's width: the `±x` a table prints beside an estimate. */
export function halfWidth(interval: Pick<Interval, 'low' | 'high'>): number {
  return (interval.high - interval.low) / 2;
}
