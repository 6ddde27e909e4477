import { type CellChange, type Comparison, fmtThreshold, VERDICTS } from '../analysis/compare.ts';
import { MIN_SAMPLE, medianOf } from '../analysis/intervals.ts';
import { type CompareContext, comparisonJson, machineChanged } from './compare-json.ts';
import { DISTURBED_MARK, fmtRps } from './format.ts';
import { renderMarkdown, truncate, wrap } from './render.ts';

export const COMPARE_FORMATS = ['text', 'markdown', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
/** `-12.3%`. */
const fmtChange = (c: CellChange) => (c.change === undefined ? '-' : `${pct(c.change)}%`);
/** `(-18.0 to -6.1)`, in percent. */
const fmtInterval = (c: CellChange) =>
  c.changeLow === undefined || c.changeHigh === undefined ? (c.change === undefined ? '' : '(no interval)') : `(${pct(c.changeLow)} to ${pct(c.changeHigh)})`;

/** The verdict as a table shows it: `unchanged ±3.1%` carries the interval's half-width, the comparison's noise. */
function verdictText(c: CellChange): string {
  if (c.verdict !== 'unchanged' || c.changeLow === undefined || c.changeHigh === undefined) return c.verdict;
  return `unchanged ±${(((c.changeHigh - c.changeLow) / 2) * 100).toFixed(1)}%`;
}

const relative = (comparison: Comparison) => comparison.mode.mode === 'relative';

/** `1 regressed, 0 missing, 2 improved, ...`: every verdict, in a fixed order. */
export function countsLine(comparison: Comparison): string {
  return VERDICTS.map((v) => `${comparison.counts[v]} ${v}`).join(', ');
}

/** Which mode judged the changes, and why. */
export function modeLine(comparison: Comparison): string {
  const { mode, reason } = comparison.mode;
  if (mode === 'relative')
    return `mode: relative (${reason}): each framework is judged by its ratio to the other frameworks in its column${reason.startsWith('--') ? '' : '; --absolute judges requests/s as measured'}`;
  return `mode: absolute (${reason}): each cell's requests/s against its own${reason.startsWith('--') ? '' : '; --relative judges each framework against the others in its column'}`;
}

/** The change every cell shared, with its interval, and what it says about the machine. */
export function shiftLine(comparison: Comparison): string | undefined {
  const s = comparison.shift;
  if (!s) return undefined;
  const i = s.interval;
  const figure = `${pct(s.ratio - 1)}%${i ? ` (${pct(i.low - 1)} to ${pct(i.high - 1)})` : ''}, the median change of ${s.cells} cell${s.cells === 1 ? '' : 's'}`;
  const t = fmtThreshold(comparison.threshold);
  let says: string;
  if (!i) says = 'too few cells for an interval';
  else if (machineChanged(comparison))
    says = relative(comparison)
      ? 'the machine changed; it cancels in the ratios below'
      : 'every cell moved alike: the machine changed, or all the code did; --relative judges each framework against the others';
  else if (i.low - 1 > -comparison.threshold && i.high - 1 < comparison.threshold) says = `no common shift beyond ±${t}`;
  else says = `undecided whether the machine changed by more than ${t}`;
  return `common shift: ${figure}: ${says}`;
}

/** Why a row reads as it does, where the row alone does not say. Undecided cells without an interval are summed up once. */
function rowNotes(comparison: Comparison): string[] {
  const notes: string[] = [];
  const noInterval = comparison.changes.filter((c) => c.verdict === 'undecided' && c.changeLow === undefined && c.change !== undefined);
  for (const c of comparison.changes) {
    const explained = c.changeLow !== undefined && !c.reason?.startsWith('alone');
    if (c.reason && !explained && !noInterval.includes(c) && c.verdict !== 'missing') notes.push(`${c.id}: ${c.verdict}: ${c.reason}`);
  }
  if (noInterval.length > 0)
    notes.push(
      `${noInterval.length} cell${noInterval.length === 1 ? ' has' : 's have'} fewer than ${MIN_SAMPLE} repeats in a run: no interval, so undecided; run with --repeat ${MIN_SAMPLE} or more.`,
    );
  return notes;
}

function legend(comparison: Comparison): string[] {
  const t = fmtThreshold(comparison.threshold);
  const lines = [
    ...(comparison.changes.some((c) => c.disturbedIn)
      ? [`${DISTURBED_MARK}: other processes took CPU while the cell was measured, in the run the warnings above name: its change may be theirs.`]
      : []),
    `regressed (improved): the whole 95% interval of the change lies below -${t} (above +${t}); unchanged ±x: it lies within ±${t}, x is half its width, the noise of this comparison; undecided: it straddles -${t} or +${t}.`,
  ];
  if (relative(comparison)) {
    const perColumn = new Map<string, number>();
    for (const c of comparison.changes) if (c.basis === 'relative') perColumn.set(c.column, (perColumn.get(c.column) ?? 0) + 1);
    lines.push(
      "Relative change: the framework's requests/s over its column's speed (the median of the other frameworks' requests/s, each over its baseline median), per round when both runs interleaved their repeats; candidate against baseline. A column's heading gives the median change of its requests/s.",
    );
    if ([...perColumn.values()].some((n) => n === 2))
      lines.push('A column of two frameworks cannot tell which one moved: when one reads regressed, the other reads improved.');
  }
  return lines;
}

function title(comparison: Comparison, ctx: CompareContext): string {
  const what = relative(comparison) ? 'Requests/s; change against the other frameworks in the column' : 'Requests/s';
  return `${what}; ${ctx.candidate} against ${ctx.baseline} (threshold ${ctx.thresholdPct}%)`;
}

/** `db/c64`, and in relative mode how the column's requests/s moved: `db/c64: requests/s -15.1%`. */
function columnHeading(column: string, changes: CellChange[]): string {
  const moved = changes.map((c) => c.rpsChange).filter((x): x is number => x !== undefined);
  return moved.length === 0 ? column : `${column}: requests/s ${pct(medianOf(moved))}% (median of ${moved.length})`;
}

const HEAD = ['framework', 'baseline', 'candidate', 'change', '(95% interval)', 'verdict'];
/** Columns 1-3 are numbers (right-aligned); the interval and the verdict read from the left. */
const RIGHT = [false, true, true, true, false, false];
/** Spaces between fields; the change and its interval are one figure, one space apart. */
const GAPS = ['  ', '  ', '  ', ' ', '  '];

/**
 * Pure: the table grouped by column, a heading line per column and a row per framework,
 * so no row repeats a long cell id and every line fits `width`.
 */
function groupedTable(comparison: Comparison, width: number): string[] {
  const groups = new Map<string, CellChange[]>();
  for (const c of comparison.changes) groups.set(c.column, [...(groups.get(c.column) ?? []), c]);
  const row = (c: CellChange) => [
    `  ${c.framework}${c.disturbedIn ? DISTURBED_MARK : ''}`,
    fmtRps(c.baselineRps),
    fmtRps(c.candidateRps),
    fmtChange(c),
    fmtInterval(c),
    verdictText(c),
  ];
  const rows = [...groups.values()].flat().map(row);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Past the width, the last field (the verdict) gives way first.
  const fixed = widths.slice(0, -1).reduce((a, w) => a + w, 0) + GAPS.join('').length;
  widths[widths.length - 1] = Math.max(1, Math.min(widths.at(-1)!, width - fixed));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const text = truncate(cell, widths[i]!);
        const fill = ' '.repeat(widths[i]! - text.length);
        return `${i > 0 ? GAPS[i - 1] : ''}${RIGHT[i] ? fill + text : text + fill}`;
      })
      .join('')
      .trimEnd();
  const out = [line(HEAD), line(widths.map((w) => '-'.repeat(w)))];
  for (const [column, changes] of groups) out.push(truncate(columnHeading(column, changes), width), ...changes.map((c) => line(row(c))));
  return out.map((l) => truncate(l, width));
}

/** Pure: the comparison as text for a terminal `width` wide, Markdown for a pull request or step summary, or JSON. */
export function formatComparison(comparison: Comparison, ctx: CompareContext, format: CompareFormat, width = 80): string {
  if (format === 'json') return `${JSON.stringify(comparisonJson(comparison, ctx), null, 2)}\n`;
  const preface = [modeLine(comparison), shiftLine(comparison)].filter((l): l is string => l !== undefined);
  if (format === 'markdown') {
    const warnings = comparison.warnings.map((w) => `> **warning:** ${w}`).join('\n');
    const table = {
      title: title(comparison, ctx),
      head: ['cell', 'baseline', 'candidate', 'change (95% interval)', 'verdict'],
      rows: comparison.changes.map((c) => [
        `${c.id}${c.disturbedIn ? DISTURBED_MARK : ''}`,
        fmtRps(c.baselineRps),
        fmtRps(c.candidateRps),
        `${fmtChange(c)} ${fmtInterval(c)}`.trim(),
        c.reason ? `${c.verdict} (${c.reason})` : c.verdict,
      ]),
      notes: legend(comparison),
    };
    const lines = [...preface, `**${countsLine(comparison)}**`].join('\n\n');
    return `## crossover compare\n\n${warnings ? `${warnings}\n\n` : ''}${lines}\n\n${renderMarkdown(table)}`;
  }
  const head = [...comparison.warnings.map((w) => `warning: ${w}`), ...preface, countsLine(comparison)].flatMap((l) => wrapHanging(l, width));
  const notes = [...rowNotes(comparison), ...legend(comparison)].flatMap((n) => wrapHanging(n, width));
  return `${[...head, '', ...wrap(title(comparison, ctx), width), ...groupedTable(comparison, width), ...notes].join('\n')}\n`;
}

/** A long line wrapped to `width`, its continuation lines indented by two spaces. */
function wrapHanging(text: string, width: number): string[] {
  const [first, ...rest] = wrap(text, width);
  if (rest.length === 0) return first === undefined ? [] : [first];
  return [first!, ...wrap(rest.join(' '), width, '  ')];
}
