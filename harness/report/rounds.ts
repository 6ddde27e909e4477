import { formatDuration } from '../output/format.ts';
import type { Results } from '../results/schema.ts';

const pct = (share: number) => (Number.isFinite(share) ? `±${Number((share * 100).toFixed(1))}%` : 'no finite ratio');

const WHY = {
  precision: 'every column reached the target',
  budget: 'the budget was spent',
  'max-rounds': 'every planned round ran',
  stopped: 'the run stopped',
} as const;

/**
 * Pure: how the side-by-side rounds ended, per round trip, and the columns whose ratios did
 * not reach the target precision (docs/schedule.md): they are compared less precisely than
 * the run asked for, and the line says by how much.
 */
export function roundsLines(results: Results): string[] {
  return (results.rounds ?? []).map((r) => {
    const rtt = r.dbRttMs ? ` (round trip ${r.dbRttMs} ms)` : '';
    const short = r.columns.filter((c) => !c.met);
    const shortText = short.length
      ? `; not within it: ${short.map((c) => `${c.shape} (${c.halfWidth === undefined ? 'fewer than 3 rounds' : pct(c.halfWidth)} after ${c.rounds} rounds)`).join(', ')}`
      : '';
    return (
      `Rounds side by side${rtt}: ${r.rounds} in ${formatDuration(r.elapsedS)} of a ${formatDuration(r.budgetS)} budget, stopped because ${WHY[r.stoppedBy]}; ` +
      `${r.columns.length - short.length} of ${r.columns.length} columns have every ratio to the fastest within ${pct(r.targetHalfWidth)} (95% interval)${shortText}.`
    );
  });
}
