/** The open-loop engine's latency histograms (docs/open-loop.md, "Histogram"), and how percentiles are read from any HDR histogram. */
import hdr from 'hdr-histogram-js';

/** HDR range: 1 µs to 60 s (no timeout is longer), 3 significant digits (0.1% resolution). */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 60_000_000;
export const HISTOGRAM_DIGITS = 3;

/** An empty histogram of microseconds over that range. */
export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_DIGITS,
    autoResize: false,
    bitBucketSize: 32,
  });
}

/** A latency in ms as the histogram's whole microseconds, clamped to its range. */
export function toUs(ms: number): number {
  return Math.min(HISTOGRAM_HIGHEST_US, Math.max(HISTOGRAM_LOWEST_US, Math.round(ms * 1000)));
}

/**
 * The value at a percentile, at most the largest value recorded: HDR answers with the top of the
 * value's bucket (0.1% wide at 3 digits), which can lie above the exact maximum (a failed cell's
 * reason once read "p99 9,888 ms, max 9,883 ms"). No request took longer than the maximum.
 */
export function percentileAtMost(histogram: hdr.Histogram, percentile: number): number {
  return Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue);
}
