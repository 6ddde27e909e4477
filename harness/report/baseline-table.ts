import type { Analysis, AnalyzedCell } from '../analysis/types.ts';
import type { Results } from '../results/schema.ts';
import { cellText, displayName, disturbedNotes, type Table } from './format.ts';
import { grid } from './tables.ts';

/** `0.62x (0.58-0.66)`: the ratio to the baseline with its 95% interval when it has one. */
export function baselineText(c: AnalyzedCell): string {
  const b = c.toBaseline;
  if (!b) return c.attribution?.flagged ? 'loadgen-bound' : '-';
  const i = b.interval;
  return i && i.high > i.low ? `${b.ratio.toFixed(2)}x (${i.low.toFixed(2)}-${i.high.toFixed(2)})` : `${b.ratio.toFixed(2)}x`;
}

/** Pure: with --baseline, each framework's requests/s as a multiple of the baseline's, per column; undefined without one. */
export function baselineTable(results: Results, analysis: Analysis): Table | undefined {
  const baseline = results.config.baseline;
  if (!baseline) return undefined;
  const { columns, frameworks, at } = grid(results, analysis);
  const name = displayName(results, baseline);
  return {
    title: `Requests/s as a multiple of ${name} per column (--baseline ${baseline})`,
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [displayName(results, f), ...columns.map((c) => cellText(at(f, c), baselineText))]),
    notes: [
      `In brackets: the 95% bootstrap interval. Where rounds pair the frameworks (interleaved repeats), the multiple is the median of the per-round ratios to ${name} and whole rounds are resampled; otherwise it is a ratio of medians (docs/analysis.md). An interval that contains 1.00 does not tell the two apart.`,
      `-: ${name} has no comparable cell in that column (failed, or load-generator-bound).`,
      ...disturbedNotes(analysis.cells),
    ],
  };
}
