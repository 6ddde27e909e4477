import { benchmarkActionExporter } from './benchmark-action.ts';
import { benchmarkActionLatencyExporter } from './benchmark-action-latency.ts';
import { csvExporter } from './csv.ts';
import { htmlExporter } from './html.ts';
import { markdownExporter } from './markdown.ts';
import type { Exporter } from './types.ts';

/** Every format a run folder gets. The keys are the valid exporter names; adding a format is one file and one line here. */
export const EXPORTERS = {
  markdown: markdownExporter,
  csv: csvExporter,
  'benchmark-action': benchmarkActionExporter,
  'benchmark-action-latency': benchmarkActionLatencyExporter,
  html: htmlExporter,
} as const satisfies Record<string, Exporter>;

export type ExporterName = keyof typeof EXPORTERS;
export const EXPORTER_NAMES = Object.keys(EXPORTERS) as ExporterName[];
export type { Exporter } from './types.ts';
