import type { Analysis } from '../../analysis/analyze.ts';
import { crossoverChartData } from '../../analysis/chart-data.ts';
import { settingLatency } from '../../analysis/setting-latency.ts';
import type { CrossoverAnalysis } from '../../results/analysis-schema.ts';
import type { Results } from '../../results/schema.ts';
import type { ChartCaption, ChartSet, LatencyChartData, ThroughputChartData } from './types.ts';

/** Pure: run id, machine and start time, as every chart prints them. */
export function chartCaption(results: Results): ChartCaption {
  const m = results.machine;
  const date = results.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return { runId: results.runId, machine: `${m.cpuModel}, ${m.cores} cores`, date };
}

/**
 * Pure: the throughput chart's data from the analysis's chart data (harness/analysis/chart-data.ts):
 * one line per framework at effective latencies, the Little's-law bound, and the database
 * ceiling of the prepared protocol (the one the effective latencies come from).
 */
export function throughputChartData(
  results: Results,
  analysis: Analysis,
  crossover: CrossoverAnalysis | undefined = analysis.crossover,
): ThroughputChartData | undefined {
  const data = crossoverChartData(results, analysis, crossover);
  if (!data) return undefined;
  const prepared = data.dbCeiling.filter((c) => c.protocol === 'prepared');
  return {
    connections: data.connections,
    ...(data.dbRttMs ? { dbRttMs: data.dbRttMs, ...(data.measuredRttMs === undefined ? {} : { measuredRttMs: data.measuredRttMs }) } : {}),
    settings: data.settings.map((s) => ({ requestedMs: s.requestedMs, effectiveMs: s.effectiveMs })),
    frameworks: data.series.map((s) => ({
      framework: s.framework,
      displayName: s.displayName,
      points: s.points.map((p) => ({
        requestedMs: p.requestedMs,
        effectiveMs: p.effectiveMs,
        rps: p.rps,
        rpsMin: p.rpsMin,
        rpsMax: p.rpsMax,
        ...(p.predictedRps === undefined ? {} : { predictedRps: p.predictedRps }),
      })),
      ...(s.crossoverMs === undefined ? {} : { crossoverMs: s.crossoverMs }),
    })),
    littleBound: data.littleBound.map((b) => ({ effectiveMs: b.effectiveMs, rps: b.rps })),
    dbCeiling: (prepared.length ? prepared : data.dbCeiling).map((c) => ({ effectiveMs: c.effectiveMs, rps: c.rps })),
    ...(data.overallCrossoverMs === undefined ? {} : { overallCrossoverMs: data.overallCrossoverMs }),
    caption: chartCaption(results),
  };
}

/**
 * Pure: one p99 chart per open-loop sweep (docs/open-loop.md) that has an offered rate and at
 * least one measured cell. Points sit at the closed-loop sweep's effective latencies where it
 * measured them; unsustained cells are kept as points marked `sustained: false` (the chart
 * draws them as crosses, off the lines); failed cells have no point.
 */
export function latencyChartData(results: Results, analysis: Analysis): LatencyChartData[] {
  const effective = (ms: number) => settingLatency(analysis.crossover, ms).effectiveMs;
  return (analysis.latency?.sweeps ?? []).flatMap((s) => {
    const frameworks = s.frameworks.map((f) => ({
      framework: f,
      displayName: results.apps[f]?.displayName ?? f,
      points: s.cells
        .filter((c) => c.framework === f && c.status === 'ok' && c.p99Ms !== undefined)
        .sort((a, b) => a.dbLatencyMs - b.dbLatencyMs)
        .map((c) => ({
          requestedMs: c.dbLatencyMs,
          effectiveMs: effective(c.dbLatencyMs),
          p50Ms: c.p50Ms ?? c.p99Ms!,
          p99Ms: c.p99Ms!,
          p999Ms: c.p999Ms ?? c.p99Ms!,
          sustained: c.sustained,
          ...(c.generatorLate ? { generatorLate: true } : {}),
        })),
    }));
    if (s.offeredRps === undefined || frameworks.every((f) => f.points.length === 0)) return [];
    const settings = s.latencies
      .filter((ms) => frameworks.some((f) => f.points.some((p) => p.requestedMs === ms)))
      .map((ms) => ({ requestedMs: ms, effectiveMs: effective(ms) }));
    return [
      {
        offeredRps: s.offeredRps,
        settings,
        frameworks,
        ...(s.crossoverMs === undefined ? {} : { crossoverMs: s.crossoverMs }),
        caption: chartCaption(results),
      },
    ];
  });
}

/** Pure: every chart a run has data for: the throughput chart, and one latency chart per open-loop rate. */
export function chartSet(results: Results, analysis: Analysis): ChartSet {
  // One throughput chart per round trip (--db-rtt), on the same axes: six framework colours
  // leave no room for a second line set in one chart.
  const throughput = (analysis.crossovers ?? [analysis.crossover]).flatMap((x) => {
    const data = throughputChartData(results, analysis, x);
    return data ? [data] : [];
  });
  const sweeps = (analysis.paramSweeps ?? []).map((sweep) => ({
    sweep,
    displayNames: Object.fromEntries(sweep.perFramework.map((f) => [f.framework, results.apps[f.framework]?.displayName ?? f.framework])),
    caption: chartCaption(results),
  }));
  return { throughput, latency: latencyChartData(results, analysis), ...(sweeps.length ? { sweeps } : {}) };
}
