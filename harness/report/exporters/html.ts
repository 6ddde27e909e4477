import { htmlReport } from '../html.ts';
import type { Exporter } from './types.ts';

/** report.html: charts and tables in one self-contained page (built by report/html.ts). */
export const htmlExporter: Exporter = {
  file: 'report.html',
  serialize: (results, analysis, charts) => htmlReport(results, analysis, charts),
};
