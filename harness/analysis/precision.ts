import { seededRng } from '../util/random.ts';
import { halfWidth, MIN_SAMPLE, medianOf, pairedRatioInterval } from './intervals.ts';

/**
 * Pure: how precisely the frameworks of one column (a cell shape) are compared so far: the
 * widest 95% interval, as a share of its estimate (±x), of the per-round ratios of each
 * framework to the column's fastest (intervals.ts pairedRatioInterval). Side-by-side rounds
 * stop once every column is within the target (docs/schedule.md). `rps` holds each
 * framework's requests/s per round, all measured in the same rounds. Undefined below
 * MIN_SAMPLE rounds; 0 for a column of one framework (there is no ratio to pin down).
 */
export function columnHalfWidth(rps: readonly (readonly number[])[], seed: number): number | undefined {
  const rounds = Math.min(...rps.map((r) => r.length));
  if (rps.length === 0 || rounds < MIN_SAMPLE) return undefined;
  if (rps.length === 1) return 0;
  const paired = rps.map((r) => r.slice(0, rounds));
  const fastest = paired.reduce((best, r) => (medianOf(r) > medianOf(best) ? r : best));
  const rng = seededRng(seed);
  let widest = 0;
  for (const r of paired) {
    if (r === fastest) continue;
    const interval = pairedRatioInterval(r, fastest, { rng });
    // A framework with no 2xx in some round has no finite ratio: not precise, whatever the others say.
    if (!interval || !(interval.estimate > 0)) return Number.POSITIVE_INFINITY;
    widest = Math.max(widest, halfWidth(interval) / interval.estimate);
  }
  return widest;
}
