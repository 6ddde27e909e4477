import type { Cell } from '../results/schema.ts';
import { type Rng, seededRng, seedFor } from '../util/random.ts';
import { type Interval, MIN_SAMPLE, medianInterval, pairedRatioInterval, ratioOfMediansInterval } from './intervals.ts';
import { columnKey } from './summary.ts';
import type { AnalyzedCell } from './types.ts';

/**
 * The base seed of every interval of an analysis. Fixed, so the same results.json always
 * gives the same intervals (`report` rebuilds them exactly); each cell draws from its own
 * stream (seedFor its id).
 */
export const ANALYSIS_SEED = 20_261_203;

/** An interval as results.json keeps it. */
export type StoredInterval = Pick<Interval, 'estimate' | 'low' | 'high'>;

/** An interval as results.json keeps it, or undefined. */
export const stored = (i: Interval | undefined): StoredInterval | undefined => (i ? { estimate: i.estimate, low: i.low, high: i.high } : undefined);

/**
 * Pure: per closed-loop cell, the 95% interval of its median requests/s over the repeats,
 * and of its ratio to the column's fastest framework (docs/analysis.md). With `paired`
 * (repeats interleaved, so repeat r of every framework ran in round r), the ratio is the
 * median of the per-round ratios and whole rounds are resampled: what moved the whole round
 * cancels. Otherwise, or when the two cells have different numbers of repeats, it is the
 * ratio of the two medians, each resampled on its own. Cells with fewer than 3 repeats get
 * no interval (intervals.ts MIN_SAMPLE).
 */
export function ratioIntervals(
  analyzed: readonly AnalyzedCell[],
  raw: readonly Cell[],
  paired: boolean,
): Map<string, { rps?: StoredInterval | undefined; toFastest?: StoredInterval | undefined }> {
  const rpsOf = new Map(raw.map((c) => [c.id, c.repeats.map((r) => r.measurement.rps)]));
  const comparable = analyzed.filter((c) => c.status === 'ok' && !c.attribution?.flagged && (rpsOf.get(c.id)?.length ?? 0) > 0);
  const fastest = new Map<string, AnalyzedCell>();
  for (const c of comparable) {
    const key = columnKey(c);
    const top = fastest.get(key);
    if (!top || c.rps.median > top.rps.median) fastest.set(key, c);
  }
  const out = new Map<string, { rps?: StoredInterval | undefined; toFastest?: StoredInterval | undefined }>();
  for (const c of comparable) {
    const mine = rpsOf.get(c.id)!;
    const rng = seededRng(seedFor(c.id, ANALYSIS_SEED));
    const top = fastest.get(columnKey(c))!;
    const theirs = rpsOf.get(top.id)!;
    const rps = stored(medianInterval(mine, { rng }));
    // The fastest is its own yardstick: exactly 1 (with an interval only when the others have one).
    if (top.id === c.id) {
      out.set(c.id, { rps, toFastest: mine.length >= MIN_SAMPLE ? { estimate: 1, low: 1, high: 1 } : undefined });
      continue;
    }
    const toFastest = ratioInterval(mine, theirs, paired, rng);
    out.set(c.id, { rps, toFastest: stored(toFastest) });
  }
  return out;
}

/**
 * Pure: per closed-loop cell, its ratio to `baseline`'s cell in the same column (--baseline),
 * with its 95% interval as ratioIntervals computes the ratio to the fastest: paired per round
 * when the repeats were interleaved and counts match, else a ratio of medians. Left out: cells
 * not ok, load-generator-bound ones on either side, and columns where the baseline has no such cell.
 */
export function baselineRatios(
  analyzed: readonly AnalyzedCell[],
  raw: readonly Cell[],
  paired: boolean,
  baseline: string,
): Map<string, { ratio: number; interval?: StoredInterval | undefined }> {
  const rpsOf = new Map(raw.map((c) => [c.id, c.repeats.map((r) => r.measurement.rps)]));
  const usable = (c: AnalyzedCell) => c.status === 'ok' && !c.attribution?.flagged && (rpsOf.get(c.id)?.length ?? 0) > 0 && c.rps.median > 0;
  const base = new Map(analyzed.filter((c) => c.framework === baseline && usable(c)).map((c) => [columnKey(c), c]));
  const out = new Map<string, { ratio: number; interval?: StoredInterval | undefined }>();
  for (const c of analyzed.filter(usable)) {
    const b = base.get(columnKey(c));
    if (!b) continue;
    const mine = rpsOf.get(c.id)!;
    const theirs = rpsOf.get(b.id)!;
    if (b.id === c.id) {
      out.set(c.id, { ratio: 1, interval: mine.length >= MIN_SAMPLE ? { estimate: 1, low: 1, high: 1 } : undefined });
      continue;
    }
    const rng = seededRng(seedFor(`${c.id}|baseline`, ANALYSIS_SEED));
    const interval = stored(ratioInterval(mine, theirs, paired, rng));
    out.set(c.id, { ratio: interval?.estimate ?? c.rps.median / b.rps.median, interval });
  }
  return out;
}

/** mine / theirs: the median of per-round ratios when the rounds pair them (same count), else the ratio of the medians. */
function ratioInterval(mine: readonly number[], theirs: readonly number[], paired: boolean, rng: Rng): Interval | undefined {
  return paired && mine.length === theirs.length ? pairedRatioInterval(mine, theirs, { rng }) : ratioOfMediansInterval(mine, theirs, { rng });
}
