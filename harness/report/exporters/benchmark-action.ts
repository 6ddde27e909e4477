import type { AnalyzedCell } from '../../analysis/analyze.ts';
import type { Results } from '../../results/schema.ts';
import { trackedCells } from './tracked.ts';
import type { Exporter } from './types.ts';

/** One entry of github-action-benchmark's `customBiggerIsBetter` / `customSmallerIsBetter` input. */
export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  /** `± x`, the form the action's own extractors write. */
  range?: string | undefined;
  extra: string;
}

export function entryExtra(results: Results, c: AnalyzedCell): string {
  return [c.attribution ? `bottleneck: ${c.attribution.label}` : '', `repeats: ${c.rps.n}`, `run ${results.runId}`].filter(Boolean).join('; ');
}

/**
 * Requests/s per tracked cell, so a nightly job can alert on drops. Flagged cells
 * (failed, unmeasured, loadgen-bound, noisy, with errors) are left out: an alert on them
 * would track the load generator or noise, not the framework. `range` is half the width of
 * the median's 95% interval (3 repeats or more), else half the min-max spread of the repeats.
 */
export const benchmarkActionExporter: Exporter = {
  file: 'benchmark-action.json',
  serialize(results, analysis) {
    const entries: BenchmarkEntry[] = trackedCells(analysis).tracked.map((c) => ({
      name: c.id,
      unit: 'req/s',
      value: Number(c.rps.median.toFixed(1)),
      range: c.rpsInterval
        ? `± ${((c.rpsInterval.high - c.rpsInterval.low) / 2).toFixed(1)}`
        : c.rps.n > 1
          ? `± ${((c.rps.max - c.rps.min) / 2).toFixed(1)}`
          : undefined,
      extra: entryExtra(results, c),
    }));
    return `${JSON.stringify(entries, null, 2)}\n`;
  },
};
