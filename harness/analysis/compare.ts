import { speedDifference } from '../resources/speed.ts';
import type { Results } from '../results/schema.ts';
import { disturbedCellIds } from './neighbours.ts';
import type { Spread } from './stats.ts';
import { type CellSummary, summarizeCell } from './summary.ts';

/**
 * What happened to one cell between two runs:
 * - `regressed`: requests/s dropped beyond the threshold and beyond the spread of both runs,
 *   or the cell worked in the baseline and failed or was not measured in the candidate;
 * - `missing`: in the baseline, absent from the candidate (also fails the comparison);
 * - `improved`: the opposite of regressed, or it failed in the baseline and works now;
 * - `noise`: a change beyond the threshold that the runs' own spread explains;
 * - `unchanged`: within the threshold;
 * - `new`: only in the candidate;
 * - `failing`: failed or not measured in both runs.
 */
export type Verdict = 'regressed' | 'missing' | 'improved' | 'noise' | 'unchanged' | 'new' | 'failing';
export const VERDICTS: readonly Verdict[] = ['regressed', 'missing', 'improved', 'noise', 'unchanged', 'new', 'failing'];

export interface CellChange {
  id: string;
  baselineRps?: number | undefined;
  candidateRps?: number | undefined;
  /** candidate / baseline - 1. */
  change?: number | undefined;
  verdict: Verdict;
  /** Why, in a few words: "failed in the candidate: verify: ...", "ranges overlap". */
  reason?: string | undefined;
  /** Other processes took CPU while it was measured, in the baseline, the candidate or both (analysis/neighbours.ts). */
  disturbedIn?: ('baseline' | 'candidate')[] | undefined;
}

export interface Comparison {
  /** Differences that make the comparison less meaningful; shown first. */
  warnings: string[];
  changes: CellChange[];
  counts: Record<Verdict, number>;
  /** True when the comparison must fail (exit 4): a regressed or missing cell. */
  failed: boolean;
}

/**
 * How many coefficients of variation a change may span and still be noise: two standard
 * deviations hold about 95% of repeats of a normally distributed measurement.
 */
export const NOISE_CVS = 2;

/** Pure: matches cells by id and classifies each change against a threshold (0.1 = 10%). */
export function compareRuns(baseline: Results, candidate: Results, threshold: number): Comparison {
  const base = new Map(baseline.cells.map((c) => [c.id, summarizeCell(c)]));
  const cand = new Map(candidate.cells.map((c) => [c.id, summarizeCell(c)]));
  const ids = [...new Set([...base.keys(), ...cand.keys()])];
  const changes = ids.map((id) => {
    const change = classify(id, base.get(id), cand.get(id), threshold);
    const disturbedIn = (['baseline', 'candidate'] as const).filter((which) => (which === 'baseline' ? base : cand).get(id)?.disturbed);
    return disturbedIn.length ? { ...change, disturbedIn } : change;
  });
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of changes) counts[c.verdict]++;
  return { warnings: comparabilityWarnings(baseline, candidate), changes, counts, failed: counts.regressed + counts.missing > 0 };
}

function measured(s: CellSummary): boolean {
  return s.status === 'ok' && s.rps.n > 0;
}

function classify(id: string, b: CellSummary | undefined, c: CellSummary | undefined, threshold: number): CellChange {
  if (!b) return { id, candidateRps: c && measured(c) ? c.rps.median : undefined, verdict: 'new' };
  const baselineRps = measured(b) ? b.rps.median : undefined;
  if (!c) return { id, baselineRps, verdict: measured(b) ? 'missing' : 'failing', reason: 'not in the candidate' };
  if (!measured(c)) {
    const why = `${c.status === 'ok' ? 'not measured' : c.status} in the candidate${c.failure ? `: ${c.failure}` : ''}`;
    return { id, baselineRps, verdict: measured(b) ? 'regressed' : 'failing', reason: why };
  }
  if (!measured(b)) return { id, candidateRps: c.rps.median, verdict: 'improved', reason: `measured now; ${b.status} in the baseline` };
  const change = c.rps.median / b.rps.median - 1;
  const row = { id, baselineRps: b.rps.median, candidateRps: c.rps.median, change };
  if (Math.abs(change) <= threshold) return { ...row, verdict: 'unchanged' };
  const noise = noiseReason(b.rps, c.rps, change);
  if (noise) return { ...row, verdict: 'noise', reason: noise };
  return { ...row, verdict: change < 0 ? 'regressed' : 'improved' };
}

/** Why a change is within the runs' own spread, or undefined when it is not. */
export function noiseReason(b: Spread, c: Spread, change: number): string | undefined {
  // With one repeat min = max = median: the ranges say nothing, and the CV is not measured.
  if (b.n > 1 && c.n > 1 && b.min <= c.max && c.min <= b.max) return 'the min-max ranges of both runs overlap';
  const cv = Math.max(b.n > 1 ? b.cv : 0, c.n > 1 ? c.cv : 0);
  if (cv > 0 && Math.abs(change) <= NOISE_CVS * cv) return `within ${NOISE_CVS} x the CV of the runs (${(cv * 100).toFixed(1)}%)`;
  return undefined;
}

/** Pure: what differs between the runs besides the code under test. */
export function comparabilityWarnings(baseline: Results, candidate: Results): string[] {
  const warnings: string[] = [];
  const differ = (what: string, b: string, c: string) => {
    if (b !== c) warnings.push(`${what} differs: baseline ${b}, candidate ${c}`);
  };
  differ('profile', baseline.config.profile, candidate.config.profile);
  differ('machine', describeMachine(baseline), describeMachine(candidate));
  const speed = baseline.speed && candidate.speed && speedDifference(baseline.speed.start, candidate.speed.start);
  if (speed)
    warnings.push(
      `machine speed differs: the same fixed work before the first cell, baseline -> candidate: ${speed}; a change of that size may be the machine's, not the code's`,
    );
  differ('runtime', baseline.runtime.kind, candidate.runtime.kind);
  differ('database', baseline.database.kind, candidate.database.kind);
  for (const [name, app] of Object.entries(baseline.apps)) {
    const other = candidate.apps[name];
    if (!other) continue;
    const packages = [...new Set([...Object.keys(app.keyPackages), ...Object.keys(other.keyPackages)])].sort();
    const changed = packages
      .filter((p) => app.keyPackages[p] !== other.keyPackages[p])
      .map((p) => `${p} ${app.keyPackages[p] ?? '-'} -> ${other.keyPackages[p] ?? '-'}`);
    if (changed.length > 0) warnings.push(`${name}: framework versions differ: ${changed.join(', ')}`);
  }
  for (const [which, r] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    if (r.status !== 'complete') warnings.push(`the ${which} run ended '${r.status}', not 'complete'`);
    const disturbed = [...disturbedCellIds(r)];
    if (disturbed.length)
      warnings.push(
        `in the ${which} run, other processes took CPU while ${disturbed.join(', ')} ${disturbed.length === 1 ? 'was' : 'were'} measured (DISTURBED, marked #): a change there may be theirs`,
      );
  }
  return warnings;
}

function describeMachine(r: Results): string {
  return `${r.machine.cpuModel} (${r.machine.cores} cores)`;
}
