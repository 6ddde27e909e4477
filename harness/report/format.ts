import { EFFECTIVE_LATENCY_TOLERANCE } from '../analysis/bounds.ts';
import { NEIGHBOURS_MAX_CORE_SHARE } from '../analysis/neighbours.ts';
import type { SettingLatency } from '../analysis/setting-latency.ts';
import type { AnalyzedCell } from '../analysis/types.ts';
import { STEAL_MAX } from '../resources/steal.ts';
import type { Results } from '../results/schema.ts';

/** A table as data; renderers turn it into terminal, Markdown, HTML or CSV text. */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  notes: string[];
}

export function fmtRps(rps: number | undefined): string {
  if (rps === undefined || !Number.isFinite(rps)) return '-';
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

export function fmtPct(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? '-' : `${(share * 100).toFixed(0)}%`;
}

/** Signed percentage, for errors: `+4%`, `-17%`. */
export function fmtSignedPct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
}

export function fmtMs(ms: number): string {
  return !Number.isFinite(ms) ? '-' : ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

/**
 * An effective latency as every table head and chart tick prints it: one decimal (2.1,
 * 10.3), whole ms from 100, one significant digit below 0.1 ms, where one decimal would
 * round a 0.05 ms query to 0.1 or 0.0.
 */
export function fmtEffectiveMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  return ms > 0 && ms < 0.1 ? String(Number(ms.toPrecision(1))) : ms.toFixed(1);
}

/** Marks an effective latency more than EFFECTIVE_LATENCY_TOLERANCE off the requested one. */
export const OFF_MARK = '!';

/**
 * `1 ms (eff 2.1!)`: the requested latency and, when something measured it, the effective
 * one, marked when it is more than 20% off. Just `5 ms` when nothing measured it.
 */
export function latencyLabel(requestedMs: number, effectiveMs: number | undefined, measured = effectiveMs !== undefined): string {
  if (effectiveMs === undefined || !measured) return `${requestedMs} ms`;
  const off = requestedMs > 0 && Math.abs(effectiveMs / requestedMs - 1) > EFFECTIVE_LATENCY_TOLERANCE;
  return `${requestedMs} ms (eff ${fmtEffectiveMs(effectiveMs)}${off ? OFF_MARK : ''})`;
}

/** A swept setting's label (analysis/setting-latency.ts): the one every table head prints for it. */
export const settingLabel = (s: SettingLatency): string => latencyLabel(s.requestedMs, s.effectiveMs, s.measured);

export const OFF_NOTE = `${OFF_MARK}: the database held each request more than ${EFFECTIVE_LATENCY_TOLERANCE * 100}% longer or shorter than requested (eff: the database ceiling run's mean transaction time); every bound and prediction uses the effective latency.`;

export function displayName(results: Results, framework: string): string {
  return results.apps[framework]?.displayName ?? framework;
}

/** Marks a cell during whose measurement other processes or the hypervisor took CPU (analysis/neighbours.ts). */
export const DISTURBED_MARK = '#';

/** What `#` means, for the notes of every table that shows the mark. */
export const DISTURBED_NOTE = `${DISTURBED_MARK}: other processes or the hypervisor took CPU while this cell was measured (more than ${NEIGHBOURS_MAX_CORE_SHARE * 100}% of a core, or more than ${STEAL_MAX * 100}% steal): its figures may be low; the DISTURBED warning names what ran.`;

/** A table cell's text: the value when the cell was measured, marked when it was disturbed; its status otherwise. */
export function cellText(c: AnalyzedCell | undefined, value: (c: AnalyzedCell) => string): string {
  if (!c) return '';
  return c.status === 'ok' ? `${value(c)}${c.disturbed ? DISTURBED_MARK : ''}` : c.status.toUpperCase();
}

/** DISTURBED_NOTE when some of these cells carry the mark. */
export function disturbedNotes(cells: readonly (Pick<AnalyzedCell, 'disturbed' | 'status'> | undefined)[]): string[] {
  return cells.some((c) => c?.status === 'ok' && c.disturbed) ? [DISTURBED_NOTE] : [];
}
