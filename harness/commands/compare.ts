import { type CellChange, type Comparison, compareRuns, VERDICTS } from '../analysis/compare.ts';
import { BenchError } from '../errors.ts';
import { DISTURBED_MARK } from '../report/format.ts';
import { renderMarkdown, renderTerminal } from '../report/render.ts';
import { fmtRps, type Table } from '../report/tables.ts';
import { readResults } from '../results/read.ts';

export const COMPARE_FORMATS = ['text', 'markdown', 'json'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** What the formatters need besides the comparison itself. */
export interface CompareContext {
  baseline: string;
  candidate: string;
  thresholdPct: number;
}

/**
 * `crossover compare <baseline> <candidate> [--threshold 10] [--format text|markdown|json]`:
 * prints the comparison on stdout and exits 4 (REGRESSION) when a cell regressed or went missing.
 */
export async function compareCommand(baselineDir: string, candidateDir: string, flags: { threshold: string; format?: string | undefined }): Promise<void> {
  const thresholdPct = Number(flags.threshold);
  if (!Number.isFinite(thresholdPct) || thresholdPct <= 0)
    throw new BenchError('USAGE', `--threshold must be a positive percentage (got '${flags.threshold}')`);
  const format = flags.format ?? 'text';
  if (!isFormat(format)) throw new BenchError('USAGE', `--format must be one of ${COMPARE_FORMATS.join(', ')} (got '${format}')`);
  const comparison = compareRuns(await readResults(baselineDir), await readResults(candidateDir), thresholdPct / 100);
  process.stdout.write(formatComparison(comparison, { baseline: baselineDir, candidate: candidateDir, thresholdPct }, format));
  if (comparison.failed) {
    const failing = comparison.changes.filter((c) => c.verdict === 'regressed' || c.verdict === 'missing');
    throw new BenchError(
      'REGRESSION',
      `${failing.length} cell(s) regressed or are missing in ${candidateDir}: ${failing.map((c) => `${c.id} (${c.verdict})`).join(', ')}`,
      {
        hint: 'regressed beyond the threshold and the spread of both runs, failed or unmeasured in the candidate, or not run at all',
      },
    );
  }
}

function isFormat(value: string): value is CompareFormat {
  return (COMPARE_FORMATS as readonly string[]).includes(value);
}

/** Pure: the comparison as text for a terminal, Markdown for a pull request or step summary, or JSON. */
export function formatComparison(comparison: Comparison, ctx: CompareContext, format: CompareFormat): string {
  if (format === 'json') return `${JSON.stringify(comparisonJson(comparison, ctx), null, 2)}\n`;
  const table = comparisonTable(comparison, ctx);
  if (format === 'markdown') {
    const warnings = comparison.warnings.map((w) => `> **warning:** ${w}`).join('\n');
    return `## crossover compare\n\n${warnings ? `${warnings}\n\n` : ''}**${countsLine(comparison)}**\n\n${renderMarkdown(table)}`;
  }
  const warnings = comparison.warnings.map((w) => `warning: ${w}\n`).join('');
  return `${warnings}${countsLine(comparison)}\n\n${renderTerminal(table)}`;
}

/** `1 regressed, 0 missing, 2 improved, ...`: every verdict, in a fixed order. */
export function countsLine(comparison: Comparison): string {
  return VERDICTS.map((v) => `${comparison.counts[v]} ${v}`).join(', ');
}

function comparisonTable(comparison: Comparison, ctx: CompareContext): Table {
  return {
    title: `Requests/s, ${ctx.candidate} against ${ctx.baseline} (threshold ${ctx.thresholdPct}%)`,
    head: ['cell', 'baseline', 'candidate', 'change', 'verdict'],
    rows: comparison.changes.map((c) => [
      `${c.id}${c.disturbedIn ? DISTURBED_MARK : ''}`,
      fmtRps(c.baselineRps),
      fmtRps(c.candidateRps),
      fmtChange(c),
      c.reason ? `${c.verdict} (${c.reason})` : c.verdict,
    ]),
    notes: comparison.changes.some((c) => c.disturbedIn)
      ? [`${DISTURBED_MARK}: other processes took CPU while the cell was measured, in the run the warnings above name: its change may be theirs.`]
      : [],
  };
}

function fmtChange(c: CellChange): string {
  return c.change === undefined ? '-' : `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`;
}

function comparisonJson(comparison: Comparison, ctx: CompareContext) {
  return {
    baseline: ctx.baseline,
    candidate: ctx.candidate,
    thresholdPct: ctx.thresholdPct,
    failed: comparison.failed,
    counts: comparison.counts,
    warnings: comparison.warnings,
    cells: comparison.changes,
  };
}
