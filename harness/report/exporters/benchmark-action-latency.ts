import { type BenchmarkEntry, entryExtra } from './benchmark-action.ts';
import { trackedCells } from './tracked.ts';
import type { Exporter } from './types.ts';

/** p99 latency per tracked cell for `customSmallerIsBetter`; the same cells as benchmark-action.json. */
export const benchmarkActionLatencyExporter: Exporter = {
  file: 'benchmark-action-latency.json',
  serialize(results, analysis) {
    const entries: BenchmarkEntry[] = trackedCells(analysis).tracked.map((c) => ({
      name: `${c.id} p99`,
      unit: 'ms',
      value: Number(c.latencyP99Ms.toFixed(2)),
      extra: `${entryExtra(results, c)}; median of the repeats' p99`,
    }));
    return `${JSON.stringify(entries, null, 2)}\n`;
  },
};
