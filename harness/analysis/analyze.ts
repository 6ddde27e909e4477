import type { Results } from '../results/schema.ts';
import { attribute, littleBoundRps, type Attribution } from './attribution.ts';
import { frameworkCrossoverMs, overallCrossoverMs, relativeSpread } from './crossover.ts';
import { columnKey, summarizeCell, type CellSummary } from './summary.ts';

export interface AnalyzedCell extends CellSummary {
  attribution?: Attribution | undefined;
  dbCeilingRps?: number | undefined;
  littleBoundRps?: number | undefined;
  /** This cell's rps / the fastest framework's in the same column. */
  shareOfFastest?: number | undefined;
  shareOfDbCeiling?: number | undefined;
}

export interface Crossover {
  /** Per framework: smallest swept latency from which it is database- or concurrency-bound (undefined: never in the sweep). */
  perFramework: { framework: string; crossoverMs?: number | undefined }[];
  /** Smallest latency from which all frameworks lie within 10% of each other. */
  overallMs?: number | undefined;
  /** Latency -> spread between the fastest and slowest framework there. */
  spreadByLatency: { dbLatencyMs: number; spread: number }[];
  latencies: number[];
}

export interface Analysis {
  cells: AnalyzedCell[];
  crossover?: Crossover | undefined;
  loadgenCeilingRps?: number | undefined;
}

/** Pure: summaries, bounds, attribution, shares and the crossover, all from results.json. */
export function analyze(results: Results): Analysis {
  // The lowest load generator ceiling at the cell's connection count: the conservative bound.
  const loadgenCeiling = (connections: number) => {
    const values = results.ceilings.filter((c) => c.kind === 'loadgen' && c.connections === connections).map((c) => c.rps);
    return values.length ? Math.min(...values) : undefined;
  };
  const shared = results.cpuLayout.shared && results.cpuLayout.loadgenCpus.some((c) => results.cpuLayout.dbCpus.includes(c));
  const cells: AnalyzedCell[] = results.cells.map((cell) => {
    const s = summarizeCell(cell);
    if (s.status !== 'ok') return s;
    const app = results.apps[cell.framework];
    const dbCeiling = results.ceilings.find(
      (c) => c.kind === 'database' && c.scenario === cell.scenario && c.connections === cell.connections && c.dbLatencyMs === cell.dbLatencyMs,
    )?.rps;
    const little =
      cell.kind === 'slow-db' && app && cell.dbLatencyMs !== undefined
        ? littleBoundRps(cell.connections, app.settings.concurrencyLimit, app.settings.connectionCap, cell.dbLatencyMs)
        : undefined;
    return {
      ...s,
      dbCeilingRps: dbCeiling,
      littleBoundRps: little,
      shareOfDbCeiling: dbCeiling ? s.rps.median / dbCeiling : undefined,
      attribution: attribute(s, { dbCeilingRps: dbCeiling, littleBoundRps: little, loadgenCeilingRps: loadgenCeiling(cell.connections), sharedLoadgenDbCore: shared }),
    };
  });
  // Share of the fastest framework per column, among cells not limited by the load generator.
  const best = new Map<string, number>();
  for (const c of cells) {
    if (c.status !== 'ok' || c.attribution?.flagged) continue;
    const key = columnKey(c);
    best.set(key, Math.max(best.get(key) ?? 0, c.rps.median));
  }
  for (const c of cells) {
    const top = best.get(columnKey(c));
    if (c.status === 'ok' && top) c.shareOfFastest = c.rps.median / top;
  }
  const loadgen = results.ceilings.filter((c) => c.kind === 'loadgen').map((c) => c.rps);
  return { cells, crossover: crossover(results, cells), loadgenCeilingRps: loadgen.length ? Math.max(...loadgen) : undefined };
}

function crossover(results: Results, cells: AnalyzedCell[]): Crossover | undefined {
  const sweep = cells.filter((c) => c.kind === 'slow-db' && c.status === 'ok' && c.dbLatencyMs !== undefined);
  const latencies = [...new Set(sweep.map((c) => c.dbLatencyMs!))].sort((a, b) => a - b);
  if (latencies.length < 2) return undefined;
  // One connection count: the first the run used (full sweeps several; the crossover is per count).
  const connections = results.config.connections[0]!;
  const at = sweep.filter((c) => c.connections === connections);
  const frameworks = results.config.frameworks.filter((f) => at.some((c) => c.framework === f));
  const perFramework = frameworks.map((framework) => ({
    framework,
    crossoverMs: frameworkCrossoverMs(
      at.filter((c) => c.framework === framework).map((c) => ({ dbLatencyMs: c.dbLatencyMs!, rps: c.rps.median, label: c.attribution?.label ?? 'undetermined' })),
    ),
  }));
  const byLatency = new Map<number, number[]>();
  for (const latency of latencies) {
    const values = frameworks.map((f) => at.find((c) => c.framework === f && c.dbLatencyMs === latency)?.rps.median);
    if (values.every((v): v is number => v !== undefined)) byLatency.set(latency, values);
  }
  return {
    perFramework,
    overallMs: frameworks.length > 1 ? overallCrossoverMs(byLatency) : undefined,
    spreadByLatency: [...byLatency].map(([dbLatencyMs, values]) => ({ dbLatencyMs, spread: relativeSpread(values) })),
    latencies,
  };
}
