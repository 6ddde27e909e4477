import type { CrossoverAnalysis } from '../results/analysis-schema.ts';
import type { Results } from '../results/schema.ts';
import { ceilingProtocol } from './bounds.ts';
import { settingLatency } from './setting-latency.ts';
import type { Analysis } from './types.ts';

/** One measured point of a framework's curve, with its predicted value when the model had one. */
export interface ChartPoint {
  requestedMs: number;
  /** The setting's effective latency (setting-latency.ts), shared by every framework's point there. */
  effectiveMs: number;
  /** Median over repeats. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  predictedRps?: number | undefined;
}

/** Everything a requests/s-against-latency chart draws, at the run's first connection count and one round trip. */
export interface CrossoverChartData {
  connections: number;
  /** The round trip requested between app and database (--db-rtt); absent: the direct path. */
  dbRttMs?: number | undefined;
  /** The round trip measured on that path, in every hold time of the Little's-law bound. */
  measuredRttMs?: number | undefined;
  /** The swept settings, ascending: the x axis ticks. */
  settings: { requestedMs: number; effectiveMs: number; flagged: boolean }[];
  series: { framework: string; displayName: string; crossoverMs?: number | undefined; crossoverEffectiveMs?: number | undefined; points: ChartPoint[] }[];
  /** min(connections, connection cap) / (effective latency + measured round trip); absent where both are 0. */
  littleBound: { requestedMs: number; effectiveMs: number; rps: number }[];
  dbCeiling: { requestedMs: number; effectiveMs: number; rps: number; protocol: string }[];
  overallCrossoverMs?: number | undefined;
  overallCrossoverEffectiveMs?: number | undefined;
  caption: { runId: string; cpuModel: string; cores: number; date: string; text: string };
}

/**
 * Pure: chart-ready data of one crossover (the analysis's first unless `x` is given, e.g.
 * one of `analysis.crossovers`); undefined when the run swept fewer than two latencies.
 */
export function crossoverChartData(
  results: Results,
  analysis: Analysis,
  x: CrossoverAnalysis | undefined = analysis.crossover,
): CrossoverChartData | undefined {
  if (!x) return undefined;
  const rttMs = x.measuredRttMs ?? 0;
  const effective = new Map(x.settings.map((s) => [s.requestedMs, s.effectiveMs]));
  // Every point of a setting sits at the setting's one effective latency, the figure the
  // tables print, not at the latency of its app's own protocol (which its prediction used).
  const at = (requestedMs: number) => settingLatency(x, requestedMs).effectiveMs;
  const clients = Math.min(x.connections, results.config.connectionCap);
  const scenario = analysis.cells.find((c) => c.kind === 'slow-db')?.scenario ?? 'slow-db';
  const date = results.startedAt.slice(0, 10);
  const m = results.machine;
  return {
    connections: x.connections,
    ...(x.dbRttMs ? { dbRttMs: x.dbRttMs, measuredRttMs: x.measuredRttMs } : {}),
    settings: x.settings.map((s) => ({ requestedMs: s.requestedMs, effectiveMs: s.effectiveMs, flagged: s.flagged })),
    series: x.perFramework.map((f) => ({
      framework: f.framework,
      displayName: results.apps[f.framework]?.displayName ?? f.framework,
      crossoverMs: f.crossoverMs,
      crossoverEffectiveMs: f.crossoverMs === undefined ? undefined : at(f.crossoverMs),
      points: f.points.flatMap((p) =>
        p.measuredRps === undefined
          ? []
          : [
              {
                requestedMs: p.requestedMs,
                effectiveMs: at(p.requestedMs),
                rps: p.measuredRps,
                rpsMin: p.rpsMin ?? p.measuredRps,
                rpsMax: p.rpsMax ?? p.measuredRps,
                predictedRps: p.predictedRps,
              },
            ],
      ),
    })),
    littleBound: x.settings
      .filter((s) => s.effectiveMs + rttMs > 0)
      .map((s) => ({ requestedMs: s.requestedMs, effectiveMs: s.effectiveMs, rps: clients / ((s.effectiveMs + rttMs) / 1000) })),
    dbCeiling: results.ceilings
      .filter(
        (c) =>
          c.kind === 'database' &&
          c.scenario === scenario &&
          c.connections === x.connections &&
          (c.dbRttMs ?? 0) === (x.dbRttMs ?? 0) &&
          c.dbLatencyMs !== undefined &&
          effective.has(c.dbLatencyMs),
      )
      .map((c) => ({ requestedMs: c.dbLatencyMs!, effectiveMs: effective.get(c.dbLatencyMs!)!, rps: c.rps, protocol: ceilingProtocol(c) }))
      .sort((a, b) => a.requestedMs - b.requestedMs),
    overallCrossoverMs: x.overallMs,
    overallCrossoverEffectiveMs: x.overallEffectiveMs,
    caption: {
      runId: results.runId,
      cpuModel: m.cpuModel,
      cores: m.cores,
      date,
      text: `crossover-bench run ${results.runId}, ${m.cpuModel} (${m.cores} cores), ${date}, ${x.connections} connections${x.dbRttMs ? `, database round trip ${x.dbRttMs} ms` : ''}`,
    },
  };
}
