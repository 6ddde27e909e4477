import { effectiveHoldMs } from '../db/rtt-hold.ts';
import { displayName, settingLabel } from '../report/format.ts';
import type { Bottleneck, CrossoverAnalysis, CrossoverVerdict, FrameworkCrossover } from '../results/analysis-schema.ts';
import type { Results } from '../results/schema.ts';
import { appProtocol, latencyFor, measuredRtt } from './bounds.ts';
import { type CurveModel, predictedCrossoverMs, predictedRps, predictionError, stepIndex, stepsDisagree } from './predict.ts';
import { settingLatency } from './setting-latency.ts';
import type { AnalyzedCell } from './types.ts';
import { crossoverVerdict, type RatioAt } from './verdict.ts';

/** Frameworks within 10% of each other are, for a reader, equally fast (TechEmpower's rounds show run-to-run spread of a few %). */
export const CONVERGED_SPREAD = 0.1;

export interface SweepPoint {
  dbLatencyMs: number;
  rps: number;
  labels: readonly Bottleneck[];
}

/**
 * Bounds that set a cell's rate on the database's side: its ceiling or cores reached, the
 * pool's or the app's concurrency limit (Little's law). Any of them makes the cell
 * database-bound, whatever else also holds.
 */
export const DB_BOUND: ReadonlySet<Bottleneck> = new Set(['database', 'connection pool', 'concurrency limit', 'database CPU']);

/**
 * Waits inside the database: the app's backends sampled on a lock or on a commit's WAL flush.
 * They say where the database's time went, not that it set the rate: beside a saturated
 * framework (app CPU at its limit) the framework still sets it, and a faster framework on the
 * same waits serves more (hot-rows measured Starlette at 4x Django's rate, both 'fw+commit').
 */
export const DB_WAITS: ReadonlySet<Bottleneck> = new Set(['lock waits', 'commit latency']);

/** Pure: the database, not the framework, sets this cell's rate: a database-side bound, or its waits without a saturated framework. */
export function isDbBound(labels: readonly Bottleneck[] | readonly string[]): boolean {
  const has = (set: ReadonlySet<string>) => labels.some((l) => set.has(l));
  return has(DB_BOUND) || (has(DB_WAITS) && !labels.includes('framework'));
}

/**
 * Pure: the smallest swept latency from which this framework is database-bound (isDbBound)
 * at that latency and every larger one; undefined if never.
 */
export function frameworkCrossoverMs(points: SweepPoint[]): number | undefined {
  const sorted = [...points].sort((a, b) => a.dbLatencyMs - b.dbLatencyMs);
  let crossover: number | undefined;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (!isDbBound(sorted[i]!.labels)) break;
    crossover = sorted[i]!.dbLatencyMs;
  }
  return crossover;
}

/** (fastest - slowest) / fastest among the frameworks at one latency. */
export function relativeSpread(rpsValues: number[]): number {
  if (rpsValues.length < 2) return 0;
  const max = Math.max(...rpsValues);
  return max > 0 ? (max - Math.min(...rpsValues)) / max : 0;
}

/**
 * Pure: the smallest latency from which every framework lies within CONVERGED_SPREAD of
 * the fastest, at that latency and every larger one. `byLatency` maps latency -> the
 * frameworks' requests/s there (only latencies every framework was measured at).
 */
export function overallCrossoverMs(byLatency: Map<number, number[]>): number | undefined {
  const latencies = [...byLatency.keys()].sort((a, b) => a - b);
  let crossover: number | undefined;
  for (let i = latencies.length - 1; i >= 0; i--) {
    if (relativeSpread(byLatency.get(latencies[i]!)!) > CONVERGED_SPREAD) break;
    crossover = latencies[i];
  }
  return crossover;
}

/** Absent and 0 are both the direct path. */
const rttOf = (c: { dbRttMs?: number | undefined }) => c.dbRttMs ?? 0;

const isSweep = (c: AnalyzedCell, connections: number, dbRttMs: number) =>
  c.kind === 'slow-db' && c.status === 'ok' && c.dbLatencyMs !== undefined && c.connections === connections && rttOf(c) === dbRttMs;

/** One round trip's sweep: its requested and measured round trip (0 and 0 on the direct path). */
interface RttGroup {
  dbRttMs: number;
  rttMs: number;
}

/**
 * The framework's own requests/s (X): its db cell on the direct path, where nothing but the
 * app limits it; failing that, the db cell through the group's round trip.
 */
export function ownDbCell(cells: AnalyzedCell[], framework: string, connections: number, dbRttMs: number): AnalyzedCell | undefined {
  const db = (rtt: number) =>
    cells.find(
      (c) => c.framework === framework && c.kind === 'db' && c.connections === connections && rttOf(c) === rtt && c.status === 'ok' && c.rps.median > 0,
    );
  return db(0) ?? db(dbRttMs);
}

/** One framework's row: measured crossover, Little's-law prediction, MVA curve. */
function frameworkRow(
  results: Results,
  cells: AnalyzedCell[],
  framework: string,
  latencies: number[],
  scenario: string,
  connections: number,
  group: RttGroup,
  notes: string[],
): FrameworkCrossover {
  const at = (ms: number) => cells.find((c) => c.framework === framework && isSweep(c, connections, group.dbRttMs) && c.dbLatencyMs === ms);
  const effective = latencies.map(
    (ms) =>
      at(ms)?.effectiveDbLatencyMs ?? latencyFor(results, scenario, ms, connections, appProtocol(results, framework), group.dbRttMs || undefined).effectiveMs,
  );
  const crossoverMs = frameworkCrossoverMs(
    latencies.flatMap((ms) => {
      const c = at(ms);
      return c?.attribution ? [{ dbLatencyMs: ms, rps: c.rps.median, labels: c.attribution.labels }] : [];
    }),
  );
  const app = results.apps[framework];
  const db = ownDbCell(cells, framework, connections, group.dbRttMs);
  let prediction: FrameworkCrossover['prediction'];
  let model: CurveModel | undefined;
  if (db && app) {
    const s = app.settings;
    const c = Math.min(connections, s.concurrencyLimit, s.connectionCap);
    const predictedMs = predictedCrossoverMs(c, db.rps.median, group.rttMs);
    const predictedIndex = stepIndex(effective, predictedMs);
    const measuredIndex = crossoverMs === undefined ? latencies.length : latencies.indexOf(crossoverMs);
    prediction = {
      dbCellRps: db.rps.median,
      connections: c,
      predictedMs,
      predictedStepMs: latencies[predictedIndex],
      disagrees: stepsDisagree(predictedIndex, measuredIndex),
    };
    model = { ownRps: db.rps.median, customers: connections, poolConnections: Math.min(s.concurrencyLimit, s.connectionCap), model: app.model };
    if (!db.attribution?.labels.includes('framework')) {
      notes.push(
        `${framework}: its db cell was not app-bound (${db.attribution?.labels.join(' + ') ?? 'no attribution'}), so ${Math.round(db.rps.median)} req/s understates its own throughput and the prediction errs early.`,
      );
    }
  } else {
    notes.push(`${framework}: no measured db cell at c${connections}, so no prediction.`);
  }
  const points = latencies.map((ms, i) => {
    const c = at(ms);
    const predicted = model ? predictedRps(model, effectiveHoldMs(effective[i]!, group.rttMs)) : undefined;
    const measured = c?.rps.median;
    return {
      requestedMs: ms,
      effectiveMs: effective[i]!,
      measuredRps: measured,
      rpsMin: c?.rps.min,
      rpsMax: c?.rps.max,
      predictedRps: predicted,
      error: predictionError(measured, predicted),
    };
  });
  const crossoverEffectiveMs = crossoverMs === undefined ? undefined : effective[latencies.indexOf(crossoverMs)];
  return { framework, crossoverMs, crossoverEffectiveMs, prediction, points };
}

/**
 * Pure: one crossover table per round trip (--db-rtt), ascending, at the run's first
 * connection count; the direct path (and every result from before --db-rtt) is round trip
 * 0. Round trips with fewer than two swept latencies have none.
 */
export function buildCrossovers(results: Results, cells: AnalyzedCell[]): CrossoverAnalysis[] {
  const rtts = [...new Set(cells.filter((c) => c.kind === 'slow-db').map(rttOf))].sort((a, b) => a - b);
  return rtts.flatMap((rtt) => {
    const x = buildCrossover(results, cells, rtt);
    return x ? [x] : [];
  });
}

/** Pure: the crossover table of one round trip (0: the direct path) at the run's first connection count; undefined with fewer than two swept latencies. */
export function buildCrossover(results: Results, cells: AnalyzedCell[], dbRttMs = 0): CrossoverAnalysis | undefined {
  // One connection count: the first the run used (full sweeps several; the crossover is per count).
  const connections = results.config.connections[0]!;
  const at = cells.filter((c) => isSweep(c, connections, dbRttMs));
  const latencies = [...new Set(at.map((c) => c.dbLatencyMs!))].sort((a, b) => a - b);
  if (latencies.length < 2) return undefined;
  const scenario = at[0]!.scenario;
  const notes: string[] = [];
  const rtt = measuredRtt(results, dbRttMs || undefined);
  const group: RttGroup = { dbRttMs, rttMs: rtt.rttMs };
  if (rtt.source === 'requested') notes.push(`--db-rtt ${dbRttMs}: no measured round trip in this file; the requested ${dbRttMs} ms stands in.`);
  const settings = latencies.map((ms) => {
    const { note: _protocolNote, ...setting } = latencyFor(results, scenario, ms, connections, undefined, dbRttMs || undefined);
    if (setting.source === 'requested') notes.push(`${ms} ms: no database ceiling to read the effective latency from; the requested value stands in.`);
    return setting;
  });
  const frameworks = results.config.frameworks.filter((f) => at.some((c) => c.framework === f));
  const perFramework = frameworks.map((f) => frameworkRow(results, cells, f, latencies, scenario, connections, group, notes));
  const byLatency = new Map<number, number[]>();
  for (const latency of latencies) {
    const values = frameworks.map((f) => at.find((c) => c.framework === f && c.dbLatencyMs === latency)?.rps.median);
    if (values.every((v): v is number => v !== undefined)) byLatency.set(latency, values);
  }
  const label = (ms: number) => settingLabel(settingLatency({ settings } as CrossoverAnalysis, ms));
  const verdict = frameworks.length > 1 ? sweepVerdict(at, frameworks, latencies, label, (f) => displayName(results, f)) : undefined;
  // The statistical verdict sets the crossover every table and chart shows; the spread rule stands in where no ratio is known.
  const overallMs = frameworks.length > 1 ? (verdict ? verdict.fromMs : overallCrossoverMs(byLatency)) : undefined;
  return {
    connections,
    ...(dbRttMs > 0 ? { dbRttMs, measuredRttMs: rtt.rttMs } : {}),
    latencies,
    settings,
    perFramework,
    overallMs,
    overallEffectiveMs: overallMs === undefined ? undefined : settings[latencies.indexOf(overallMs)]!.effectiveMs,
    spreadByLatency: [...byLatency].map(([dbLatencyMs, values]) => ({ dbLatencyMs, spread: relativeSpread(values) })),
    ...(verdict ? { verdict } : {}),
    notes,
  };
}

/**
 * The statistical verdict of one sweep, from each framework's ratio to the fastest at every
 * latency where all of them have one; undefined when no latency has.
 */
function sweepVerdict(
  at: AnalyzedCell[],
  frameworks: string[],
  latencies: number[],
  label: (ms: number) => string,
  name: (framework: string) => string,
): CrossoverVerdict | undefined {
  const byLatency = new Map<number, RatioAt[]>();
  let rounds = Number.POSITIVE_INFINITY;
  for (const ms of latencies) {
    const cells = frameworks.map((f) => at.find((c) => c.framework === f && c.dbLatencyMs === ms));
    if (!cells.every((c): c is AnalyzedCell => c?.shareOfFastest !== undefined)) continue;
    byLatency.set(
      ms,
      cells.map((c) => ({ framework: name(c.framework), ratio: c.shareOfFastest!, interval: c.shareOfFastestInterval })),
    );
    rounds = Math.min(rounds, ...cells.map((c) => c.rps.n));
  }
  return byLatency.size > 0 ? crossoverVerdict(byLatency, label, rounds) : undefined;
}
