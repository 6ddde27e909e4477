import { neighboursDetail } from '../analysis/neighbours.ts';
import type { Analysis } from '../analysis/types.ts';
import type { Results } from '../results/schema.ts';
import { makeWarning } from '../warnings.ts';
import { paramSweepVerdictLines } from './param-sweep-table.ts';

/**
 * Pure: the cells the tables leave out, as the leading lines and the failures table both
 * count them: failed (at build, start, verification or measurement; an 'ok' cell without a
 * repeat counts too) and unmeasured (the run stopped before reaching them).
 */
export function cellsLeftOut(results: Pick<Results, 'cells'>): { failed: Results['cells']; unmeasured: Results['cells'] } {
  return {
    failed: results.cells.filter((c) => c.status === 'failed' || (c.status === 'ok' && c.repeats.length === 0)),
    unmeasured: results.cells.filter((c) => c.status === 'unmeasured'),
  };
}
/** Warnings that put the numbers themselves in doubt: they lead the box. */
const DOUBT_CODES = ['DISTURBED', 'STEAL', 'MACHINE_SPEED', 'BUSY_MACHINE', 'DRIFT', 'CROSS_CHECK'];
/** Informational on every 2-core machine; the footnote states the CPU layout instead. */
const QUIET_CODES = new Set(['SHARED_CORES']);

/**
 * Pure: the lines that lead every report (terminal, results.md, report.html), the ones that put the numbers in doubt first
 * (drift, load generators that disagree), then the run's other warnings and failures.
 */
export function leadingWarnings(results: Results): string[] {
  // DISTURBED is told from the repeats, as this version sums them up, whatever text the run stored
  // (older runs listed every disturbed cell); a run stopped by Ctrl-C never recorded it at all.
  const disturbed = neighboursDetail(results);
  const warnings = results.warnings.filter((w) => !QUIET_CODES.has(w.code) && !(disturbed && w.code === 'DISTURBED'));
  if (disturbed) warnings.push(makeWarning('DISTURBED', disturbed));
  const rank = (code: string) => (DOUBT_CODES.includes(code) ? DOUBT_CODES.indexOf(code) : DOUBT_CODES.length);
  const lines = [...warnings].sort((a, b) => rank(a.code) - rank(b.code)).map((w) => `${w.code}: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
  const crossChecked = results.cells.filter((c) => c.crossCheck?.flagged);
  if (crossChecked.length && !warnings.some((w) => w.code === 'CROSS_CHECK')) {
    const list = crossChecked.map((c) => `${c.id} (autocannon/${c.crossCheck!.tool} ${c.crossCheck!.ratio.toFixed(2)})`).join(', ');
    lines.splice(
      warnings.filter((w) => rank(w.code) < rank('CROSS_CHECK')).length,
      0,
      `CROSS_CHECK: the load generators disagree by more than 10% on ${list}; those cells are not trustworthy`,
    );
  }
  const { failed, unmeasured } = cellsLeftOut(results);
  // A cell fails at its build, start, verification or measurement: its figures are left out of the tables either way.
  if (failed.length) lines.push(`${failed.length} cell(s) failed and are not in the tables: see "Failed cells" below`);
  if (results.status === 'interrupted' || unmeasured.length)
    lines.push(
      `The run is ${results.status}${unmeasured.length ? ` with ${unmeasured.length} cell(s) never reached` : ''}: the tables hold only the cells measured before it stopped`,
    );
  else if (results.status === 'failed')
    lines.push(
      `The run is failed because ${failed.length ? 'of the failed cell(s)' : 'of an error after its cells'}: it ran to the end, and every other cell is in the tables`,
    );
  return lines;
}

/**
 * Pure: the answer users came for, one sentence per crossover (analysis/verdict.ts), to
 * lead every report right after the warnings. Prefixed by the round trip when the run swept more than one.
 */
export function verdictLines(analysis: Analysis): string[] {
  const all = analysis.crossovers ?? (analysis.crossover ? [analysis.crossover] : []);
  return [
    ...all.flatMap((x) => (x.verdict ? [`${all.length > 1 ? `Round trip ${x.dbRttMs ?? 0} ms: ` : ''}${x.verdict.sentence}`] : [])),
    ...paramSweepVerdictLines(analysis),
  ];
}

/** Pure: where the slow-db sweep lies and why (analysis/sweep-placement.ts), to follow the verdict; none in results from before it. */
export function sweepLines(results: Pick<Results, 'sweep'>): string[] {
  return results.sweep ? [results.sweep.line] : [];
}
