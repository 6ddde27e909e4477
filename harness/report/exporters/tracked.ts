import type { Analysis, AnalyzedCell } from '../../analysis/analyze.ts';
import { NOISY_CV } from '../../analysis/stats.ts';

/** A cell a tracking export leaves out, and why. */
export interface LeftOut {
  id: string;
  reason: string;
}

/**
 * Repeats varying more than this are not tracked: a nightly alert would fire on noise.
 * The same 5% at which the tables flag a cell `noisy` (analysis/stats.ts explains the number).
 */
export const TRACKED_MAX_CV = NOISY_CV;

/** Why a cell's number is not the framework's, or undefined when it is. Pure. */
export function flagOf(c: AnalyzedCell): string | undefined {
  if (c.status === 'failed') return `failed (${c.failure ?? 'no reason recorded'})`;
  if (c.rps.n === 0) return 'unmeasured';
  if (c.attribution?.flagged) return 'loadgen-bound: the load generator was saturated';
  if (c.rps.cv > TRACKED_MAX_CV) return `noisy: repeats vary by ${(c.rps.cv * 100).toFixed(1)}% (limit ${(TRACKED_MAX_CV * 100).toFixed(0)}%)`;
  if (c.errors + c.timeouts + c.non2xx > 0) return `errors: ${c.errors} errors, ${c.timeouts} timeouts, ${c.non2xx} non-2xx`;
  if (c.disturbed) return 'disturbed: other processes or the hypervisor took CPU while it was measured';
  return undefined;
}

/** Short flag names for the CSV's flags column; empty for a clean cell. */
export function flagNames(c: AnalyzedCell): string[] {
  return [
    c.status === 'failed' ? 'failed' : '',
    c.status !== 'failed' && c.rps.n === 0 ? 'unmeasured' : '',
    c.attribution?.flagged ? 'loadgen-bound' : '',
    c.noisy ? 'noisy' : '',
    c.errors + c.timeouts + c.non2xx > 0 ? 'errors' : '',
    c.disturbed ? 'disturbed' : '',
  ].filter(Boolean);
}

/** Cells whose numbers belong to their framework, and the rest with their reasons. Pure. */
export function trackedCells(analysis: Analysis): { tracked: AnalyzedCell[]; leftOut: LeftOut[] } {
  const tracked: AnalyzedCell[] = [];
  const leftOut: LeftOut[] = [];
  for (const c of analysis.cells) {
    const reason = flagOf(c);
    if (reason) leftOut.push({ id: c.id, reason });
    else tracked.push(c);
  }
  return { tracked, leftOut };
}
