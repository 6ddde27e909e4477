import type { Results } from '../results/schema.ts';
import { summarizeCell } from './summary.ts';

export interface CellChange {
  id: string;
  baselineRps?: number | undefined;
  candidateRps?: number | undefined;
  /** candidate / baseline - 1. */
  change?: number | undefined;
  verdict: 'regressed' | 'improved' | 'unchanged' | 'missing' | 'new' | 'failed';
}

/** Pure: matches cells by id and classifies each change against a threshold (0.1 = 10%). */
export function compareRuns(baseline: Results, candidate: Results, threshold: number): CellChange[] {
  const base = new Map(baseline.cells.map((c) => [c.id, summarizeCell(c)]));
  const cand = new Map(candidate.cells.map((c) => [c.id, summarizeCell(c)]));
  const ids = [...new Set([...base.keys(), ...cand.keys()])];
  return ids.map((id): CellChange => {
    const b = base.get(id);
    const c = cand.get(id);
    if (!c) return { id, baselineRps: b?.rps.median, verdict: 'missing' };
    if (!b) return { id, candidateRps: c.rps.median, verdict: 'new' };
    if (c.status === 'failed') return { id, baselineRps: b.rps.median, verdict: b.status === 'failed' ? 'failed' : 'regressed' };
    if (b.status === 'failed') return { id, candidateRps: c.rps.median, verdict: 'new' };
    const change = c.rps.median / b.rps.median - 1;
    const verdict = change < -threshold ? 'regressed' : change > threshold ? 'improved' : 'unchanged';
    return { id, baselineRps: b.rps.median, candidateRps: c.rps.median, change, verdict };
  });
}
