import type { RunEvent } from '../events.ts';
import { wrap } from '../report/render.ts';

/** Pure text for progress lines: no clock, no stream. */

/** `45s`, `3m05s`, `1h02m`: short enough for every progress line. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** What an ETA is computed from; `measuringSinceS`: elapsed seconds when the first measurement started. */
export interface EtaInput {
  elapsedS: number;
  done: number;
  total: number;
  expectedS?: number | undefined;
  measuringSinceS?: number | undefined;
}

/**
 * Seconds left. Once a measurement is done, from the pace of the measurements so far (app
 * starts between them included, which the plan's estimate cannot know), counted from the
 * first measurement: image builds and ceilings before it happen once and would otherwise
 * inflate every remaining measurement. Before that, from the plan's estimate.
 */
export function etaSeconds(p: EtaInput): number | undefined {
  if (p.total <= 0) return undefined;
  if (p.done >= p.total) return 0;
  if (p.done > 0) return ((p.elapsedS - (p.measuringSinceS ?? 0)) / p.done) * (p.total - p.done);
  return p.expectedS === undefined ? undefined : Math.max(0, p.expectedS - p.elapsedS);
}

export function etaText(p: EtaInput): string {
  const eta = etaSeconds(p);
  return eta === undefined ? 'ETA ?' : `ETA ${formatDuration(eta)}`;
}

/** `[ 3/24] 1m12s ETA 5m40s  `: count, elapsed and time left, the head of every progress line. */
export function progressPrefix(p: EtaInput): string {
  if (p.total <= 0) return `${formatDuration(p.elapsedS)}  `;
  const width = String(p.total).length;
  return `[${String(p.done).padStart(width)}/${p.total}] ${formatDuration(p.elapsedS)} ${etaText(p)}  `;
}

/** `[ 3/24] 1m12s ETA 5m40s  text`: count, elapsed and time left on every line. */
export function progressLine(p: EtaInput & { text: string }): string {
  return `${progressPrefix(p)}${p.text}`;
}

/** Below this much room for the text beside the prefix, folding would make a column of stubs: the terminal wraps instead. */
const FOLD_MIN_ROOM = 24;

/**
 * Pure: `prefix + text` in lines of at most `width` characters, the text wrapped under itself so
 * the counts stay a column of their own. Unchanged when it fits, or when the terminal is too
 * narrow to leave the text room.
 */
export function foldLine(prefix: string, text: string, width: number): string {
  const room = width - prefix.length;
  if (prefix.length + text.length <= width || room < FOLD_MIN_ROOM) return `${prefix}${text}`;
  const indent = ' '.repeat(prefix.length);
  return text
    .split('\n')
    .flatMap((paragraph) => wrap(paragraph, room))
    .map((l, i) => `${i === 0 ? prefix : indent}${l}`)
    .join('\n');
}

export function planText(p: Pick<Extract<RunEvent, { type: 'plan' }>, 'cells' | 'measurements' | 'expectedS' | 'stopping'>): string {
  if (p.stopping) {
    const s = p.stopping;
    return (
      `plan: ${p.cells} cell(s) side by side, at least ${s.minRounds} rounds, then until every ratio to the fastest is within ±${Number((s.targetHalfWidth * 100).toFixed(1))}% ` +
      `or ${formatDuration(s.budgetS)} of rounds are spent (about ${s.expectedRounds} rounds, ${formatDuration(p.expectedS)} of load); starting apps and measuring ceilings add to it`
    );
  }
  const repeats = p.cells > 0 && p.measurements % p.cells === 0 ? ` (${p.measurements / p.cells} repeat(s) per cell)` : '';
  return `plan: ${p.cells} cell(s), ${p.measurements} measurement(s)${repeats}; measuring alone takes about ${formatDuration(p.expectedS)}, starting apps and measuring ceilings add to it`;
}

/** The periodic line that shows a long measurement is alive when no bar can be drawn. */
export function stillMeasuringText(p: { cellId: string; secondsIn: number; warmupS: number; durationS: number }): string {
  const total = p.warmupS + p.durationS;
  const phase = p.secondsIn < p.warmupS ? 'warming up' : 'measuring';
  return `still ${phase} ${p.cellId}, ${Math.min(Math.round(p.secondsIn), total)}/${total} s`;
}

/** A log line the orchestrator prints when a repeat finished (`flask/db/c64: 2300 req/s, ...`), for runs that emit no measure-end event. */
export function isMeasuredLine(line: string): boolean {
  return /^[\w.-]+\/[\w.-]+\/c\d+(?:\/\d+ms)?: [\d.]+ req\/s/.test(line);
}
