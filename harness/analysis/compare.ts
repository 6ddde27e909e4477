import type { Cell, Results } from '../results/schema.ts';
import { seededRng, seedFor } from '../util/random.ts';
import { type CompareMode, chooseMode, comparabilityWarnings, type ModeChoice, type RequestedMode } from './compare-context.ts';
import { absoluteChange, type CommonShift, columnOf, commonShift, type RatioChange, relativeChange } from './compare-stats.ts';
import { halfWidth, MIN_SAMPLE } from './intervals.ts';
import { type CellSummary, summarizeCell } from './summary.ts';

export type { CompareMode, RequestedMode } from './compare-context.ts';
export { comparabilityWarnings } from './compare-context.ts';

/**
 * What happened to one cell between two runs (docs/faults.md, docs/analysis.md section 9):
 * - `regressed`: the 95% interval of its change lies wholly below -threshold, or the cell
 *   worked in the baseline and failed or was not measured in the candidate;
 * - `missing`: in the baseline, absent from the candidate (also fails the comparison);
 * - `improved`: the interval lies wholly above +threshold, or it failed in the baseline and works now;
 * - `undecided`: the interval straddles a threshold, or there is none (fewer than 3 repeats);
 * - `unchanged`: the interval lies wholly within +-threshold;
 * - `new`: only in the candidate;
 * - `failing`: failed or not measured in both runs.
 */
export type Verdict = 'regressed' | 'missing' | 'improved' | 'undecided' | 'unchanged' | 'new' | 'failing';
export const VERDICTS: readonly Verdict[] = ['regressed', 'missing', 'improved', 'undecided', 'unchanged', 'new', 'failing'];

export interface CellChange {
  id: string;
  framework: string;
  /** The column: scenario, connections, latency, round trip (columnOf). */
  column: string;
  baselineRps?: number | undefined;
  candidateRps?: number | undefined;
  /** candidate / baseline - 1 of what was judged (`basis`): requests/s, or the ratio to the column's others. */
  change?: number | undefined;
  /** The 95% interval of `change`; absent below 3 repeats in either run. */
  changeLow?: number | undefined;
  changeHigh?: number | undefined;
  basis?: CompareMode | undefined;
  /** Relative basis: candidate / baseline - 1 of the cell's own requests/s, for reference. */
  rpsChange?: number | undefined;
  /** Relative basis: the ratios were taken per round (both runs interleaved), not as ratios of medians. */
  paired?: boolean | undefined;
  verdict: Verdict;
  /** Why, in a few words: "failed in the candidate: verify: ...", "within noise: ±3.1%". */
  reason?: string | undefined;
  /** The runs in which other processes took CPU while this cell was measured (analysis/neighbours.ts). */
  disturbedIn?: ('baseline' | 'candidate')[] | undefined;
}

export interface Comparison {
  /** Differences that make the comparison less meaningful; shown first. */
  warnings: string[];
  /** How changes were judged, and why. */
  mode: ModeChoice;
  /** The change every cell shared (the machine's, when it is beyond the threshold). */
  shift?: CommonShift | undefined;
  /** The threshold, as a fraction (0.1 = 10%). */
  threshold: number;
  changes: CellChange[];
  counts: Record<Verdict, number>;
  /** True when the comparison must fail (exit 4): a regressed or missing cell. */
  failed: boolean;
}

export interface CompareOptions {
  mode?: RequestedMode | undefined;
  /** Seeds the bootstrap; each cell draws from seedFor(its id, seed). Fixed, so the same files give the same verdicts. */
  seed?: number | undefined;
}

/** Any fixed number would do: it makes the bootstrap, and so every verdict, reproducible. */
export const COMPARE_SEED = 20;

interface Side {
  cell: Cell;
  summary: CellSummary;
}

function measured(s: CellSummary): boolean {
  return s.status === 'ok' && s.rps.n > 0;
}

/** Pure: matches cells by id and judges each change by its interval against a threshold (0.1 = 10%). */
export function compareRuns(baseline: Results, candidate: Results, threshold: number, options: CompareOptions = {}): Comparison {
  const mode = chooseMode(options.mode ?? 'auto', baseline, candidate);
  const seed = options.seed ?? COMPARE_SEED;
  const index = (r: Results) => new Map(r.cells.map((cell) => [cell.id, { cell, summary: summarizeCell(cell) }]));
  const base = index(baseline);
  const cand = index(candidate);
  const both = [...base.keys()].filter((id) => cand.has(id) && measured(base.get(id)!.summary) && measured(cand.get(id)!.summary));
  const judge = changeJudge(both, base, cand, mode.mode, baseline.config.interleave && candidate.config.interleave, seed);
  const ids = [...new Set([...base.keys(), ...cand.keys()])];
  const changes = ids.map((id) => {
    const change = classify(id, base.get(id), cand.get(id), threshold, judge);
    // Other processes took CPU during a window of the cell (DISTURBED): its change may be theirs.
    const disturbedIn = (['baseline', 'candidate'] as const).filter((which) => (which === 'baseline' ? base : cand).get(id)?.summary.disturbed);
    return disturbedIn.length ? { ...change, disturbedIn } : change;
  });
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of changes) counts[c.verdict]++;
  const shift = commonShift(
    both.map((id) => ({ baseline: base.get(id)!.cell, candidate: cand.get(id)!.cell })),
    seededRng(seedFor('common shift', seed)),
  );
  return { warnings: comparabilityWarnings(baseline, candidate), mode, shift, threshold, changes, counts, failed: counts.regressed + counts.missing > 0 };
}

type Judge = (id: string) => RatioChange & Partial<Pick<CellChange, 'basis' | 'rpsChange' | 'paired' | 'reason'>>;

/** How a cell measured in both runs is judged: on its own, or against the others of its column. */
function changeJudge(both: string[], base: Map<string, Side>, cand: Map<string, Side>, mode: CompareMode, interleaved: boolean, seed: number): Judge {
  const columns = new Map<string, string[]>();
  for (const id of both) {
    const key = columnOf(base.get(id)!.cell);
    columns.set(key, [...(columns.get(key) ?? []), id]);
  }
  return (id) => {
    const rng = seededRng(seedFor(id, seed));
    const [b, c] = [base.get(id)!.cell, cand.get(id)!.cell];
    const peers = columns.get(columnOf(b)) ?? [];
    if (mode === 'absolute' || peers.length < 2)
      return {
        ...absoluteChange(b, c, rng),
        basis: 'absolute',
        ...(mode === 'relative' ? { reason: 'alone in its column in both runs: judged on its own requests/s' } : {}),
      };
    const byFramework = (side: Map<string, Side>) => new Map(peers.map((p) => [side.get(p)!.cell.framework, side.get(p)!.cell]));
    const others = peers.filter((p) => p !== id).map((p) => base.get(p)!.cell.framework);
    const rpsChange = cand.get(id)!.summary.rps.median / base.get(id)!.summary.rps.median - 1;
    return { ...relativeChange(b.framework, others, byFramework(base), byFramework(cand), interleaved, rng), basis: 'relative', rpsChange };
  };
}

/** A threshold as a percentage without trailing zeros: `10%`, `2.5%`. */
export const fmtThreshold = (threshold: number): string => `${Number((threshold * 100).toFixed(2))}%`;

function classify(id: string, b: Side | undefined, c: Side | undefined, threshold: number, judge: Judge): CellChange {
  const any = (b ?? c)!;
  const where = { id, framework: any.cell.framework, column: columnOf(any.cell) };
  if (!b) return { ...where, candidateRps: measured(c!.summary) ? c!.summary.rps.median : undefined, verdict: 'new' };
  const baselineRps = measured(b.summary) ? b.summary.rps.median : undefined;
  if (!c) return { ...where, baselineRps, verdict: measured(b.summary) ? 'missing' : 'failing', reason: 'not in the candidate' };
  const s = c.summary;
  if (!measured(s)) {
    const why = `${s.status === 'ok' ? 'not measured' : s.status} in the candidate${s.failure ? `: ${s.failure}` : ''}`;
    return { ...where, baselineRps, verdict: measured(b.summary) ? 'regressed' : 'failing', reason: why };
  }
  if (!measured(b.summary)) return { ...where, candidateRps: s.rps.median, verdict: 'improved', reason: `measured now; ${b.summary.status} in the baseline` };
  const { ratio, interval, reason: note, ...rest } = judge(id);
  const row = { ...where, baselineRps, candidateRps: s.rps.median, change: ratio - 1, ...rest };
  const judged = verdictOf(interval && { low: interval.low - 1, high: interval.high - 1 }, threshold, [b.summary.rps.n, s.rps.n]);
  const reason = [note, judged.reason].filter(Boolean).join('; ');
  return { ...row, ...(interval ? { changeLow: interval.low - 1, changeHigh: interval.high - 1 } : {}), verdict: judged.verdict, reason };
}

/**
 * Pure: the verdict an interval of change (candidate / baseline - 1) supports against a
 * threshold: regressed or improved only when the whole interval lies beyond it, unchanged
 * when it lies wholly within, undecided when it straddles it or there is no interval.
 */
export function verdictOf(
  interval: { low: number; high: number } | undefined,
  threshold: number,
  repeats: [number, number],
): { verdict: Verdict; reason: string } {
  const t = fmtThreshold(threshold);
  if (!interval)
    return {
      verdict: 'undecided',
      reason: `no interval: ${repeats[0]} and ${repeats[1]} repeats; an interval needs ${MIN_SAMPLE} in each run`,
    };
  const { low, high } = interval;
  if (high < -threshold) return { verdict: 'regressed', reason: `the whole interval lies below -${t}` };
  if (low > threshold) return { verdict: 'improved', reason: `the whole interval lies above +${t}` };
  if (low > -threshold && high < threshold) {
    const noise = `±${(halfWidth(interval) * 100).toFixed(1)}%`;
    return { verdict: 'unchanged', reason: low <= 0 && high >= 0 ? `within noise: ${noise}` : `a change within ±${t} (noise ${noise})` };
  }
  const straddled = [low <= -threshold && high >= -threshold ? `-${t}` : '', low <= threshold && high >= threshold ? `+${t}` : ''].filter(Boolean);
  return { verdict: 'undecided', reason: `the interval straddles ${straddled.join(' and ')}` };
}
