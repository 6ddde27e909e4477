import type { Cell } from '../results/schema.ts';
import type { Rng } from '../util/random.ts';
import { bootstrapInterval, type Interval, medianInterval, medianOf, ratioOfMediansInterval } from './intervals.ts';
import { columnKey } from './summary.ts';

/**
 * Pure: the statistics `compare` judges cells by (docs/analysis.md, section 9). Every change
 * is a ratio, candidate / baseline, of medians over repeats, with a percentile-bootstrap
 * 95% interval; the two runs are independent samples.
 */

/** A change between the runs: candidate / baseline of the quantity judged, with its interval. */
export interface RatioChange {
  ratio: number;
  /** Absent below MIN_SAMPLE repeats (or rounds) in either run. */
  interval?: Interval | undefined;
}

/** A framework's change against the others of its column. */
export interface RelativeChange extends RatioChange {
  /** True when the ratios were taken per round (both runs interleaved), false for ratios of medians. */
  paired: boolean;
}

/** The column a cell belongs to: scenario, connections, latency, round trip, and the open-loop rate. */
export function columnOf(cell: Pick<Cell, 'scenario' | 'connections' | 'dbLatencyMs' | 'dbRttMs' | 'rateSpec'>): string {
  return `${columnKey(cell)}${cell.rateSpec === undefined ? '' : `/${cell.rateSpec}`}`;
}

const rpsOf = (cell: Cell): number[] => cell.repeats.map((r) => r.measurement.rps);

/** A cell's own requests/s, candidate against baseline. */
export function absoluteChange(baseline: Cell, candidate: Cell, rng: Rng): RatioChange {
  const [b, c] = [rpsOf(baseline), rpsOf(candidate)];
  return { ratio: medianOf(c) / medianOf(b), interval: ratioOfMediansInterval(c, b, { rng }) };
}

/** The rounds (repeat indices) every framework of the column was measured in. */
function commonRounds(cells: ReadonlyMap<string, Cell>, members: readonly string[]): number[] {
  const sets = members.map((f) => new Set(cells.get(f)!.repeats.map((r) => r.repeat)));
  return [...sets[0]!].filter((r) => sets.every((s) => s.has(r))).sort((x, y) => x - y);
}

/**
 * Per round of one run, the framework's standing: its requests/s over the round's speed,
 * the median over the other frameworks of their requests/s in that round relative to their
 * baseline median (`levels`). Whatever slowed the whole round cancels; the median keeps
 * one other framework that moved on its own from moving this one (with 3 or more others).
 */
function standings(cells: ReadonlyMap<string, Cell>, framework: string, levels: ReadonlyMap<string, number>): number[] {
  const others = [...levels.keys()];
  const rounds = commonRounds(cells, [framework, ...others]);
  const rps = (f: string) => new Map(cells.get(f)!.repeats.map((r) => [r.repeat, r.measurement.rps]));
  const own = rps(framework);
  const theirs = others.map((o) => ({ rps: rps(o), level: levels.get(o)! }));
  return rounds.map((r) => own.get(r)! / medianOf(theirs.map((t) => t.rps.get(r)! / t.level)));
}

/**
 * The framework's change against the others of its column: its requests/s over the
 * others' speed (the median of their requests/s relative to their baseline medians), in
 * the candidate against the baseline. When both runs interleaved their repeats (round r
 * measured every framework's repeat r), that standing is taken per round, so the speed the
 * machine had in that round cancels, and the two runs' standings are compared as two
 * independent samples (ratio of medians, docs/analysis.md). Otherwise each framework's
 * median is taken and every framework's repeats resampled on their own.
 */
export function relativeChange(
  framework: string,
  others: readonly string[],
  baseline: ReadonlyMap<string, Cell>,
  candidate: ReadonlyMap<string, Cell>,
  interleaved: boolean,
  rng: Rng,
): RelativeChange {
  // Each other framework's baseline median: fixed scales that put them on one footing.
  const levels = new Map(others.map((o) => [o, medianOf(rpsOf(baseline.get(o)!))]));
  if (interleaved) {
    const [b, c] = [standings(baseline, framework, levels), standings(candidate, framework, levels)];
    return { ratio: medianOf(c) / medianOf(b), interval: ratioOfMediansInterval(c, b, { rng }), paired: true };
  }
  const members = [framework, ...others];
  const k = members.length;
  // Samples: each framework's repeats in the baseline, then in the candidate.
  const samples = [...members.map((f) => rpsOf(baseline.get(f)!)), ...members.map((f) => rpsOf(candidate.get(f)!))];
  const standing = (s: readonly ArrayLike<number>[], from: number) =>
    medianOf(s[from]!) / medianOf(others.map((o, g) => medianOf(s[from + 1 + g]!) / levels.get(o)!));
  const changeOf = (s: readonly ArrayLike<number>[]) => standing(s, k) / standing(s, 0);
  return { ratio: changeOf(samples), interval: bootstrapInterval(samples, changeOf, { rng }), paired: false };
}

/** What moved every cell alike: the median of the cells' own changes. */
export interface CommonShift extends RatioChange {
  /** Cells it was taken over: closed-loop cells measured in both runs. */
  cells: number;
}

/**
 * The median over cells of each cell's change of requests/s, with an interval from
 * resampling the cells. Open-loop cells are left out: their rate is set, not measured.
 */
export function commonShift(pairs: readonly { baseline: Cell; candidate: Cell }[], rng: Rng): CommonShift | undefined {
  const changes = pairs.filter((p) => p.baseline.rateSpec === undefined).map((p) => medianOf(rpsOf(p.candidate)) / medianOf(rpsOf(p.baseline)));
  if (changes.length === 0) return undefined;
  return { ratio: medianOf(changes), interval: medianInterval(changes, { rng }), cells: changes.length };
}
