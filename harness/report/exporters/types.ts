import type { Analysis } from '../../analysis/analyze.ts';
import type { Results } from '../../results/schema.ts';

/**
 * One output format. Pure: it takes the results and their analysis (computed once by
 * report/write.ts) and returns the file's content; it writes nothing.
 */
export interface Exporter {
  /** File name inside the run folder. */
  file: string;
  serialize(results: Results, analysis: Analysis): string | Promise<string>;
}
