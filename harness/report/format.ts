import { EFFECTIVE_LATENCY_TOLERANCE } from '../analysis/bounds.ts';
import type { AnalyzedCell } from '../analysis/types.ts';
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

/** Marks an effective latency more than EFFECTIVE_LATENCY_TOLERANCE off the requested one. */
export const OFF_MARK = '!';

/**
 * `1 ms (eff 2.1!)`: the requested latency and, when something measured it, the effective
 * one, marked when it is more than 20% off. Just `5 ms` when nothing measured it.
 */
export function latencyLabel(requestedMs: number, effectiveMs: number | undefined, measured = effectiveMs !== undefined): string {
  if (effectiveMs === undefined || !measured) return `${requestedMs} ms`;
  const off = requestedMs > 0 && Math.abs(effectiveMs / requestedMs - 1) > EFFECTIVE_LATENCY_TOLERANCE;
  return `${requestedMs} ms (eff ${effectiveMs >= 100 ? effectiveMs.toFixed(0) : effectiveMs.toFixed(1)}${off ? OFF_MARK : ''})`;
}

export const OFF_NOTE = `${OFF_MARK}: the database held each request more than ${EFFECTIVE_LATENCY_TOLERANCE * 100}% longer or shorter than requested (eff: the database ceiling run's mean transaction time); every bound and prediction uses the effective latency.`;

export function displayName(results: Results, framework: string): string {
  return results.apps[framework]?.displayName ?? framework;
}

export function cellText(c: AnalyzedCell | undefined, value: (c: AnalyzedCell) => string): string {
  if (!c) return '';
  return c.status === 'ok' ? value(c) : c.status.toUpperCase();
}
