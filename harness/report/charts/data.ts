import type { Analysis } from '../../analysis/analyze.ts';
import { crossoverChartData } from '../../analysis/chart-data.ts';
import type { CrossoverAnalysis } from '../../results/analysis-schema.ts';
import type { Results } from '../../results/schema.ts';
import type { ChartCaption, ChartSet, ThroughputChartData } from './types.ts';

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
export function throughputChartData(results: Results, analysis: Analysis, crossover: CrossoverAnalysis | undefined = analysis.crossover): ThroughputChartData | undefined {
  const data = crossoverChartData(results, analysis, crossover);
  if (!data) return undefined;
  const prepared = data.dbCeiling.filter((c) => c.protocol === 'prepared');
  return {
    connections: data.connections,
    ...(data.dbRttMs ? { dbRttMs: data.dbRttMs, ...(data.measuredRttMs === undefined ? {} : { measuredRttMs: data.measuredRttMs }) } : {}),
    frameworks: data.series.map((s) => ({
      framework: s.framework,
      displayName: s.displayName,
      points: s.points.map((p) => ({ requestedMs: p.requestedMs, effectiveMs: p.effectiveMs, rps: p.rps, rpsMin: p.rpsMin, rpsMax: p.rpsMax, ...(p.predictedRps === undefined ? {} : { predictedRps: p.predictedRps }) })),
      ...(s.crossoverMs === undefined ? {} : { crossoverMs: s.crossoverMs }),
    })),
    littleBound: data.littleBound.map((b) => ({ effectiveMs: b.effectiveMs, rps: b.rps })),
    dbCeiling: (prepared.length ? prepared : data.dbCeiling).map((c) => ({ effectiveMs: c.effectiveMs, rps: c.rps })),
    ...(data.overallCrossoverMs === undefined ? {} : { overallCrossoverMs: data.overallCrossoverMs }),
    caption: chartCaption(results),
  };
}

/**
 * Pure: every chart a run has data for. The latency charts arrive with the open-loop mode
 * (its results give `LatencyChartData` per offered rate); closed-loop runs have none.
 */
export function chartSet(results: Results, analysis: Analysis): ChartSet {
  // One throughput chart per round trip (--db-rtt), on the same axes: six framework colours
  // leave no room for a second line set in one chart.
  const throughput = (analysis.crossovers ?? [analysis.crossover]).flatMap((x) => {
    const data = throughputChartData(results, analysis, x);
    return data ? [data] : [];
  });
  return { throughput, latency: [] };
}
