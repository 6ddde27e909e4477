import type { Analysis } from '../../analysis/analyze.ts';
import type { Results } from '../../results/schema.ts';
import type { ChartCaption, ChartSet, ThroughputChartData } from './types.ts';

/** Pure: run id, machine and start time, as every chart prints them. */
export function chartCaption(results: Results): ChartCaption {
  const m = results.machine;
  const date = results.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  return { runId: results.runId, machine: `${m.cpuModel}, ${m.cores} cores`, date };
}

/**
 * Pure, interim: the throughput chart's data from today's analysis, at the run's first
 * connection count (the one the crossover is computed for). Effective latency equals the
 * requested one and there are no predictions until the analysis measures and models them;
 * the analysis's own `crossoverChartData` replaces this builder then.
 */
export function crossoverChartData(results: Results, analysis: Analysis): ThroughputChartData | undefined {
  const x = analysis.crossover;
  if (!x) return undefined;
  const connections = results.config.connections[0]!;
  const sweep = analysis.cells.filter((c) => c.kind === 'slow-db' && c.status === 'ok' && c.connections === connections && c.dbLatencyMs !== undefined);
  const frameworks = x.perFramework.map(({ framework, crossoverMs }) => ({
    framework,
    displayName: results.apps[framework]?.displayName ?? framework,
    points: x.latencies.flatMap((ms) => {
      const cell = sweep.find((c) => c.framework === framework && c.dbLatencyMs === ms);
      return cell ? [{ requestedMs: ms, effectiveMs: ms, rps: cell.rps.median, rpsMin: cell.rps.min, rpsMax: cell.rps.max }] : [];
    }),
    ...(crossoverMs === undefined ? {} : { crossoverMs }),
  }));
  const bound = (pick: (c: (typeof sweep)[number]) => number | undefined) =>
    x.latencies.flatMap((ms) => {
      const values = sweep.filter((c) => c.dbLatencyMs === ms).map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
      // The loosest bound any framework had: apps share the cap, so they normally agree.
      return values.length ? [{ effectiveMs: ms, rps: Math.max(...values) }] : [];
    });
  return {
    connections,
    frameworks,
    littleBound: bound((c) => c.littleBoundRps),
    dbCeiling: bound((c) => c.dbCeilingRps),
    ...(x.overallMs === undefined ? {} : { overallCrossoverMs: x.overallMs }),
    caption: chartCaption(results),
  };
}

/**
 * Pure: every chart a run has data for. The latency charts arrive with the open-loop mode
 * (its results give `LatencyChartData` per offered rate); closed-loop runs have none.
 */
export function chartSet(results: Results, analysis: Analysis): ChartSet {
  const throughput = crossoverChartData(results, analysis);
  return { throughput: throughput ? [throughput] : [], latency: [] };
}
