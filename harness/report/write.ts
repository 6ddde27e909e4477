import path from 'node:path';
import { analyze } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { writeFileAtomic } from '../results/store.ts';
import { chartSet } from './charts/data.ts';
import { renderCharts, svgFiles } from './charts/files.ts';
import { EXPORTER_NAMES, EXPORTERS, type ExporterName } from './exporters/index.ts';
import { type LeftOut, trackedCells } from './exporters/tracked.ts';

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

/** One line per cell the tracking exports leave out, for the run's output. */
export function leftOutLines(leftOut: LeftOut[]): string[] {
  if (leftOut.length === 0) return [];
  return [`benchmark-action*.json leave out ${leftOut.length} flagged cell(s):`, ...leftOut.map((l) => `  ${l.id}: ${l.reason}`)];
}
