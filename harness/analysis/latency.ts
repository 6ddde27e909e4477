/**
 * The open-loop latency sweeps (docs/open-loop.md): per offered rate, p50 / p99 / p99.9 per
 * framework per database latency, and the latency crossover. Pure: takes results.json's data.
 */
import { generatorLateShare, nearOpenLoopCeiling, openLoopShortfall } from '../load/open-loop-normalize.ts';
import type { LatencyAnalysis, LatencyCell, LatencySweep } from '../results/analysis-schema.ts';
import type { Cell, Results } from '../results/schema.ts';
import { seededRng, seedFor } from '../util/random.ts';
import { CONVERGED_SPREAD } from './crossover.ts';
import { medianInterval } from './intervals.ts';
import { latencyVerdict, type SpreadAt } from './latency-verdict.ts';
import { ANALYSIS_SEED, stored } from './ratios.ts';
import { median } from './stats.ts';

/** True for a cell measured at a fixed offered rate (it carries the rate it was asked for). */
export const isOpenLoop = (c: Pick<Cell, 'rateSpec'>): boolean => c.rateSpec !== undefined;

/** The open-loop generator's own ceiling (the lowest, if several were measured). */
export function generatorCeilingRps(results: Results): number | undefined {
  const rps = results.ceilings.filter((c) => c.kind === 'loadgen' && c.generator === 'open-loop').map((c) => c.rps);
  return rps.length ? Math.min(...rps) : undefined;
}

/** Pure: one open-loop cell reduced to medians over its repeats, sustained only when every repeat was. */
export function latencyCell(cell: Cell, ceilingRps: number | undefined): LatencyCell {
  const ms = cell.repeats.map((r) => r.measurement);
  const measured = cell.status === 'ok' && ms.length > 0;
  const shortfalls = ms.map((m) => openLoopShortfall(m)).filter((s): s is string => s !== undefined);
  const offeredRps = cell.offeredRps ?? ms[0]?.offeredRps;
  const sum = (pick: (m: (typeof ms)[number]) => number | undefined) =>
    ms.some((m) => pick(m) !== undefined) ? ms.reduce((a, m) => a + (pick(m) ?? 0), 0) : undefined;
  const med = (pick: (m: (typeof ms)[number]) => number | undefined) => {
    const values = ms.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const notMeasured = cell.failure ? `${cell.failure.stage}: ${cell.failure.reason}` : 'not measured';
  return {
    id: cell.id,
    framework: cell.framework,
    dbLatencyMs: cell.dbLatencyMs ?? 0,
    status: measured ? 'ok' : cell.status === 'ok' ? 'failed' : cell.status,
    offeredRps,
    achievedRps: med((m) => m.achievedRps ?? m.rps),
    late: sum((m) => m.late),
    lateGenerator: sum((m) => m.lateGenerator),
    scheduled: sum((m) => m.scheduled),
    p50Ms: med((m) => m.latencyP50Ms),
    p99Ms: med((m) => m.latencyP99Ms),
    p99Interval: measured ? p99IntervalOf(cell) : undefined,
    p999Ms: med((m) => m.latencyP999Ms),
    sustained: measured && shortfalls.length === 0,
    shortfall: !measured ? notMeasured : shortfalls.length ? `${shortfalls.length} of ${ms.length} repeat(s): ${shortfalls[0]}` : undefined,
    generatorLate: measured && ms.some((m) => generatorLateShare(m) !== undefined),
    generatorLagMaxMs: ms.some((m) => m.generatorLagMaxMs !== undefined) ? Math.max(...ms.map((m) => m.generatorLagMaxMs ?? 0)) : undefined,
    nearGeneratorCeiling: offeredRps !== undefined && ceilingRps !== undefined && nearOpenLoopCeiling(offeredRps, ceilingRps),
  };
}

/**
 * Pure: the 95% interval of a cell's median p99 over its repeats, by the same seeded bootstrap
 * as the closed-loop cells' requests/s (analysis/ratios.ts); undefined below 3 repeats.
 */
export function p99IntervalOf(cell: Pick<Cell, 'id' | 'repeats'>): LatencyCell['p99Interval'] {
  return stored(medianInterval(repeatP99s(cell), { rng: seededRng(seedFor(cell.id, ANALYSIS_SEED)) }));
}

/** Each repeat's p99, where it has one. */
const repeatP99s = (cell: Pick<Cell, 'repeats'>): number[] => cell.repeats.map((r) => r.measurement.latencyP99Ms).filter((v): v is number => v !== undefined);

/** Highest p99 / lowest p99 - 1: how far the slowest framework's tail lies above the best one's. */
export function p99Spread(p99s: number[]): number {
  if (p99s.length < 2) return 0;
  const low = Math.min(...p99s);
  return low > 0 ? Math.max(...p99s) / low - 1 : 0;
}

/**
 * Pure: the latency crossover, the smallest latency from which every framework's p99 lies
 * within CONVERGED_SPREAD of the others' at that latency and every larger one. `byLatency`
 * maps latency -> each framework's p99, undefined where a framework did not sustain the rate
 * (or was not measured): such a latency is not converged, since that framework's p99 is not
 * a number at this rate.
 */
export function latencyCrossoverMs(byLatency: Map<number, (number | undefined)[]>): number | undefined {
  const latencies = [...byLatency.keys()].sort((a, b) => a - b);
  let crossover: number | undefined;
  for (let i = latencies.length - 1; i >= 0; i--) {
    const p99s = byLatency.get(latencies[i]!)!;
    if (p99s.some((p) => p === undefined) || p99Spread(p99s as number[]) > CONVERGED_SPREAD) break;
    crossover = latencies[i];
  }
  return crossover;
}

const sweepOf = (c: Cell) => `${c.rateSpec}|${c.scenario}|${c.connections}|${c.dbRttMs ?? 0}`;

/** Pure: one sweep (the open-loop cells of one rate, scenario, connection count and round trip). */
function buildSweep(results: Results, cells: Cell[], ceilingRps: number | undefined): LatencySweep {
  const first = cells[0]!;
  const latencies = [...new Set(cells.map((c) => c.dbLatencyMs ?? 0))].sort((a, b) => a - b);
  const frameworks = results.config.frameworks.filter((f) => cells.some((c) => c.framework === f));
  const analyzed = cells.map((c) => latencyCell(c, ceilingRps));
  const offered = [...new Set(analyzed.map((c) => c.offeredRps).filter((r): r is number => r !== undefined))];
  const notes: string[] = [];
  if (offered.length > 1) notes.push(`the cells of this sweep were offered different rates (${offered.join(', ')} req/s)`);
  const byLatency = new Map<number, (number | undefined)[]>();
  // The same latencies with every repeat's p99, for the verdict's intervals.
  const repeatsAt: SpreadAt[] = latencies.map((ms) => {
    const per = frameworks.map((f) => {
      const raw = cells.find((c) => c.framework === f && (c.dbLatencyMs ?? 0) === ms);
      const ok = analyzed.find((x) => x.framework === f && x.dbLatencyMs === ms)?.sustained;
      return ok && raw ? repeatP99s(raw) : undefined;
    });
    return { dbLatencyMs: ms, p99s: per.every((p) => p !== undefined) ? (per as number[][]) : undefined };
  });
  for (const ms of latencies) {
    byLatency.set(
      ms,
      frameworks.map((f) => {
        const c = analyzed.find((x) => x.framework === f && x.dbLatencyMs === ms);
        return c?.sustained ? c.p99Ms : undefined;
      }),
    );
  }
  return {
    rateSpec: first.rateSpec!,
    arrival: first.arrival,
    scenario: first.scenario,
    connections: first.connections,
    dbRttMs: first.dbRttMs,
    offeredRps: offered.length ? Math.min(...offered) : undefined,
    latencies,
    frameworks,
    cells: analyzed,
    crossoverMs: frameworks.length > 1 ? latencyCrossoverMs(byLatency) : undefined,
    verdict: frameworks.length > 1 ? latencyVerdict(repeatsAt, (ms) => seededRng(seedFor(`${sweepOf(first)}|${ms}`, ANALYSIS_SEED))) : undefined,
    spreadByLatency: [...byLatency].map(([dbLatencyMs, p99s]) => ({
      dbLatencyMs,
      spread: p99s.every((p) => p !== undefined) ? p99Spread(p99s as number[]) : undefined,
    })),
    notes,
  };
}

/** Pure: every open-loop latency sweep of a run; undefined when it has no open-loop cell. */
export function buildLatency(results: Results): LatencyAnalysis | undefined {
  const open = results.cells.filter((c) => isOpenLoop(c) && c.kind === 'slow-db');
  if (open.length === 0) return undefined;
  const ceilingRps = generatorCeilingRps(results);
  const groups = new Map<string, Cell[]>();
  for (const c of open) groups.set(sweepOf(c), [...(groups.get(sweepOf(c)) ?? []), c]);
  return { generatorCeilingRps: ceilingRps, sweeps: [...groups.values()].map((cells) => buildSweep(results, cells, ceilingRps)) };
}
