import path from 'node:path';
import { analyze } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { writeFileAtomic } from '../results/store.ts';
import { chartSet } from './charts/data.ts';
import { renderCharts, svgFiles } from './charts/files.ts';
import { EXPORTER_NAMES, EXPORTERS, type ExporterName } from './exporters/index.ts';
import { type LeftOut, TRACKED_MAX_CV, trackedCells } from './exporters/tracked.ts';

export interface WrittenReports {
  /** Paths written. */
  files: string[];
  /** Cells benchmark-action*.json leave out, with the reason, for the run's output. */
  leftOut: LeftOut[];
}

/** The one place report files reach the disk: analyses once, hands the analysis to every exporter. */
export async function writeReports(dir: string, results: Results, names: readonly ExporterName[] = EXPORTER_NAMES): Promise<WrittenReports> {
  const analysis = analyze(results);
  // Charts render once: for report.html, for results.md's links and as their own SVG files.
  const charts = await renderCharts(chartSet(results, analysis));
  const files: string[] = [];
  for (const [relative, svg] of Object.entries(svgFiles(charts))) {
    const file = path.join(dir, relative);
    await writeFileAtomic(file, svg);
    files.push(file);
  }
  for (const name of names) {
    const exporter = EXPORTERS[name];
    const file = path.join(dir, exporter.file);
    await writeFileAtomic(file, await exporter.serialize(results, analysis, charts));
    files.push(file);
  }
  return { files, leftOut: trackedCells(analysis).leftOut };
}

/** Reasons shared by many cells, printed once with the cells' ids instead of once per cell. */
const GROUPED: Record<string, string> = {
  noisy: `noisy, repeats vary by more than ${(TRACKED_MAX_CV * 100).toFixed(0)}%`,
  'loadgen-bound': 'loadgen-bound, the load generator was saturated',
  disturbed: 'disturbed, other processes or the hypervisor took CPU',
};

/**
 * Pure: `words` after `head`, a space apart, in lines of at most `width` columns; later lines
 * start with `indent`. A word longer than a line keeps a line of its own.
 */
export function wrapWords(head: string, words: string[], width: number, indent = '    '): string[] {
  const lines: string[] = [];
  let line = head;
  for (const [i, word] of words.entries()) {
    if (i > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/**
 * The cells the tracking exports leave out, for the run's output: a failed cell or one with
 * errors on its own line (its reason is its own), the rest grouped by reason with their ids
 * (a standard run on a noisy VM flags dozens of cells noisy), wrapped to `width`.
 */
export function leftOutLines(leftOut: LeftOut[], width = 80): string[] {
  if (leftOut.length === 0) return [];
  const kindOf = (reason: string) => /^[a-z-]+/.exec(reason)?.[0] ?? reason;
  const groups = new Map<string, LeftOut[]>();
  for (const l of leftOut) {
    const kind = kindOf(l.reason);
    if (!(kind in GROUPED)) continue;
    groups.set(kind, [...(groups.get(kind) ?? []), l]);
  }
  const own = leftOut.filter((l) => !(kindOf(l.reason) in GROUPED)).flatMap((l) => wrapWords(`  ${l.id}:`, l.reason.split(' '), width));
  const grouped = [...groups].flatMap(([kind, cells]) => {
    // A noisy cell keeps its spread beside its id: `drf/db/c64 (9.1%)`.
    const ids = cells.map((c) => {
      const spread = kind === 'noisy' ? /by ([\d.]+%)/.exec(c.reason)?.[1] : undefined;
      return spread ? `${c.id} (${spread})` : c.id;
    });
    return wrapWords(
      `  ${GROUPED[kind]} (${cells.length}):`,
      ids.map((id, i) => (i < ids.length - 1 ? `${id},` : id)),
      width,
    );
  });
  return [`benchmark-action*.json leave out ${leftOut.length} flagged cell(s):`, ...own, ...grouped];
}
