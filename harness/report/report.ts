import { analyze } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { renderCsv, renderMarkdown, renderTerminal } from './render.ts';
import { chartSet } from './charts/data.ts';
import { renderCharts, svgFiles } from './charts/files.ts';
import { htmlReport } from './html.ts';
import { buildTables, footnote } from './tables.ts';

export function terminalReport(results: Results): string {
  return `${buildTables(results).map(renderTerminal).join('\n')}\n${footnote(results).join('\n')}\n`;
}

export function markdownReport(results: Results): string {
  const title = `# crossover-bench results: ${results.runId}\n`;
  const foot = `\n---\n\n${footnote(results).map((l) => `- ${l}`).join('\n')}\n`;
  return `${title}\n${buildTables(results).map(renderMarkdown).join('\n')}${foot}`;
}

/** One row per cell with the raw medians, for spreadsheets. */
export function csvReport(results: Results): string {
  const head = ['cell', 'framework', 'scenario', 'connections', 'db_latency_ms', 'status', 'rps_median', 'rps_min', 'rps_max', 'rps_cv', 'repeats', 'latency_mean_ms', 'latency_p50_ms', 'latency_p90_ms', 'latency_p99_ms', 'errors', 'timeouts', 'non2xx', 'app_cpu', 'db_cpu', 'loadgen_cpu', 'bottleneck', 'db_ceiling_rps', 'little_bound_rps', 'share_of_fastest', 'failure'];
  const rows = analyze(results).cells.map((s) => {
    const n = (v: number | undefined, digits = 2) => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));
    return [s.id, s.framework, s.scenario, s.connections, s.dbLatencyMs ?? '', s.status, n(s.rps.median, 1), n(s.rps.min, 1), n(s.rps.max, 1), n(s.rps.cv, 4), s.rps.n, n(s.latencyMeanMs), n(s.latencyP50Ms), n(s.latencyP90Ms), n(s.latencyP99Ms), s.errors, s.timeouts, s.non2xx, n(s.appCpu, 3), n(s.dbCpu, 3), n(s.loadgenCpu, 3), s.attribution?.label ?? '', n(s.dbCeilingRps, 1), n(s.littleBoundRps, 1), n(s.shareOfFastest, 3), s.failure ?? ''];
  });
  return renderCsv(head, rows);
}

/**
 * The `customBiggerIsBetter` format of github-action-benchmark, one entry per measured
 * cell, so a nightly job can track requests/s over time and alert on drops.
 */
export function benchmarkActionReport(results: Results): string {
  const entries = analyze(results)
    .cells.filter((c) => c.status === 'ok')
    .map((c) => ({
      name: c.id,
      unit: 'req/s',
      value: Number(c.rps.median.toFixed(1)),
      range: c.rps.n > 1 ? `${c.rps.min.toFixed(0)}-${c.rps.max.toFixed(0)}` : undefined,
      extra: [c.attribution ? `bottleneck: ${c.attribution.label}` : '', c.noisy ? 'noisy' : '', `run ${results.runId}`].filter(Boolean).join('; '),
    }));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** Files a run directory holds besides results.json and raw/, relative path -> content. */
export async function reportFiles(results: Results): Promise<Record<string, string>> {
  // Charts render once, for report.html and their own SVG files under charts/.
  const charts = await renderCharts(chartSet(results, analyze(results)));
  return {
    'results.md': markdownReport(results),
    'results.csv': csvReport(results),
    'benchmark-action.json': benchmarkActionReport(results),
    'report.html': await htmlReport(results, charts),
    ...svgFiles(charts),
  };
}
