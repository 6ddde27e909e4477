/** Spread of repeated measurements of one number. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Coefficient of variation: sample standard deviation / mean (0 for a single value). */
  cv: number;
  n: number;
}

/**
 * Above 5% variation between repeats a difference between two frameworks of the same
 * size is not distinguishable from noise; hyperfine warns at a similar level of
 * outlier influence. Cells above it are flagged `noisy`.
 */
export const NOISY_CV = 0.05;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, cv: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    cv: mean > 0 ? Math.sqrt(variance) / mean : 0,
    n,
  };
}
