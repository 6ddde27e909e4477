import type { Analysis } from '../../analysis/analyze.ts';
import type { Results } from '../../results/schema.ts';
import type { RenderedChart } from '../charts/files.ts';

/**
 * One output format. Pure: it takes the results and their analysis (computed once by
 * report/write.ts) and returns the file's content; it writes nothing.
 */
export interface Exporter {
  /** File name inside the run folder. */
  file: string;
  /** `charts`: the run's charts, rendered once by report/write.ts (their SVG files are written beside the reports). */
  serialize(results: Results, analysis: Analysis, charts: RenderedChart[]): string | Promise<string>;
}
