import type { Analysis } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { crossoverTables } from './analysis-tables.ts';
import { baselineTable } from './baseline-table.ts';
import { latencySweepTables } from './latency-tables.ts';
import { leadingWarnings, sweepLines, verdictLines } from './leading.ts';
import { paramSweepTables } from './param-sweep-table.ts';
import { renderTerminal, wrap } from './render.ts';
import { attributionTable, buildTables, failuresTable, footnote, shareTable, type Table, throughputTable } from './tables.ts';
import { variantTable } from './variant-table.ts';

/** How frameworks are ordered in every table: as the run listed them, or fastest first. */
export type FrameworkOrder = 'run' | 'rps';
export const FRAMEWORK_ORDERS: FrameworkOrder[] = ['run', 'rps'];

/** Every table with its evidence, in reading order: results.md, report.html and `--verbose`. Pure. */
export function documentTables(results: Results, analysis: Analysis): Table[] {
  return buildTables(results, { analysis });
}

/** The compact tables a terminal shows: the headline first, bottleneck labels without their evidence. Pure. */
export function terminalTables(results: Results, analysis: Analysis): Table[] {
  return [
    ...crossoverTables(results, analysis),
    // The open-loop latency sweeps right after the throughput crossover they answer to.
    ...latencySweepTables(results, analysis),
    ...paramSweepTables(results, analysis),
    throughputTable(results, analysis),
    shareTable(results, analysis),
    baselineTable(results, analysis),
    variantTable(results, analysis),
    attributionTable(results, analysis),
    failuresTable(results),
  ].filter((t): t is Table => t !== undefined);
}

/**
 * The results with `config.frameworks` reordered, so every table follows. `rps`: by the
 * mean share of the fastest framework over the cells each measured, highest first;
 * frameworks without a comparable cell go last, ties keep the run's order. Pure.
 */
export function orderFrameworks(results: Results, analysis: Analysis, order: FrameworkOrder): Results {
  if (order === 'run') return results;
  const score = (f: string) => {
    const shares = analysis.cells.filter((c) => c.framework === f && c.shareOfFastest !== undefined).map((c) => c.shareOfFastest!);
    return shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : -1;
  };
  const ranked = results.config.frameworks.map((f, i) => ({ f, i, s: score(f) })).sort((a, b) => b.s - a.s || a.i - b.i);
  return { ...results, config: { ...results.config, frameworks: ranked.map((r) => r.f) } };
}

export function orderNote(order: FrameworkOrder): string {
  return order === 'rps'
    ? 'Frameworks ordered by mean share of the fastest, highest first (--sort rps).'
    : 'Frameworks in the order the run listed them (--sort rps orders them by requests/s).';
}

export interface TerminalOptions {
  width: number;
  verbose: boolean;
  order: FrameworkOrder;
}

/** Pure: the run's tables as terminal text, no line wider than `options.width`. */
export function terminalReport(results: Results, analysis: Analysis, options: TerminalOptions): string {
  const ordered = orderFrameworks(results, analysis, options.order);
  const tables = options.verbose ? documentTables(ordered, analysis) : terminalTables(ordered, analysis);
  const foot = options.verbose ? footnote(ordered) : footnote(ordered).slice(0, 4);
  const lines = [orderNote(options.order), ...foot].flatMap((l) => wrap(l, options.width));
  // What puts the numbers in doubt (a busy machine, drift, disagreeing load generators) comes before any number.
  const lead = leadingWarnings(results).flatMap((l) => wrap(`! ${l}`, options.width));
  const verdict = [...verdictLines(analysis).map((l) => `Verdict: ${l}`), ...sweepLines(results)].flatMap((l) => wrap(l, options.width));
  const head = [lead, verdict].map((block) => (block.length ? `${block.join('\n')}\n\n` : '')).join('');
  return `${head}${tables.map((t) => renderTerminal(t, options.width)).join('\n')}\n${lines.join('\n')}\n`;
}
