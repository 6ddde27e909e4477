import type { TopLevelSpec } from 'vega-lite';
import { latencySpec } from './latency.ts';
import { paramSweepChartPath, paramSweepSpec, paramSweepTitle } from './param-sweep.ts';
import { renderSvg } from './render.ts';
import { rttTitle, throughputSpec } from './throughput.ts';
import type { ChartSet } from './types.ts';

/** One chart of a run: where its SVG file goes (relative to the run directory), what it shows, its spec. */
export interface ChartEntry {
  path: string;
  title: string;
  spec: TopLevelSpec;
}

export interface RenderedChart {
  path: string;
  title: string;
  svg: string;
}

export const throughputChartPath = (connections: number, dbRttMs?: number) => `charts/throughput-c${connections}${dbRttMs ? `-rtt${dbRttMs}` : ''}.svg`;

export const latencyChartPath = (offeredRps: number) => `charts/latency-p99-${Math.round(offeredRps)}rps.svg`;

/** Pure: the charts of a run in reading order, throughput first. */
export function chartEntries(set: ChartSet): ChartEntry[] {
  return [
    ...set.throughput.map((data) => ({
      path: throughputChartPath(data.connections, data.dbRttMs),
      title: `Requests/s against database latency, ${data.connections} connections${rttTitle(data)}`,
      spec: throughputSpec(data),
    })),
    ...set.latency.map((data) => ({
      path: latencyChartPath(data.offeredRps),
      title: `p99 latency against database latency at ${Math.round(data.offeredRps).toLocaleString('en-US')} requests/s offered`,
      spec: latencySpec(data),
    })),
    ...(set.sweeps ?? []).map((data) => ({ path: paramSweepChartPath(data.sweep), title: paramSweepTitle(data.sweep), spec: paramSweepSpec(data) })),
  ];
}

/** Renders every chart once, for report.html and the SVG files alike. */
export async function renderCharts(set: ChartSet): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const { path, title, spec } of chartEntries(set)) rendered.push({ path, title, svg: await renderSvg(spec) });
  return rendered;
}

/** Pure: rendered charts as standalone SVG files, relative path -> SVG text. */
export function svgFiles(charts: RenderedChart[]): Record<string, string> {
  return Object.fromEntries(charts.map((c) => [c.path, `${c.svg}\n`]));
}

/** Each chart as its own standalone SVG file: relative path -> SVG text. */
export async function chartFiles(set: ChartSet): Promise<Record<string, string>> {
  return svgFiles(await renderCharts(set));
}

/** Pure: Markdown lines that show each chart file in results.md (empty when there are none). */
export function chartMarkdownLines(set: ChartSet): string[] {
  const entries = chartEntries(set);
  if (entries.length === 0) return [];
  return ['### Charts', '', ...entries.flatMap((e) => [`![${e.title}](${e.path})`, ''])];
}
