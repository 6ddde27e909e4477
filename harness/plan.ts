import type { RunConfig } from './config/options.ts';
import { type Scenario, type SweepParam, scenarioInstances, scenarioPath, usesDatabase } from './scenarios/scenario.ts';

/** One thing to measure: framework x scenario x connections x database latency. */
export interface CellPlan {
  /** Stable across runs, so compare can match cells: `fastapi/slow-db/c64/10ms`. */
  id: string;
  framework: string;
  scenario: string;
  kind: Scenario['kind'];
  connections: number;
  /** slow-db only. */
  dbLatencyMs?: number | undefined;
  /** queries only. */
  queries?: number | undefined;
  /** db-cpu, big-result and hot-rows: the value of work, rows or k this cell measures. */
  param?: { name: SweepParam; value: number } | undefined;
  /** One value of a swept scenario: the scenario file's name (scenario is the instance, `db-cpu-work2000`). */
  sweepOf?: string | undefined;
  /** Requests in flight per load-generator connection, when the scenario pipelines (plaintext: 16); undefined: 1. */
  pipelining?: number | undefined;
  /** Round trip added between app and database (--db-rtt), in ms; undefined on the direct path. */
  dbRttMs?: number | undefined;
  /** Open loop only (plan-open-loop.ts): the rate as asked (`300`, `50%`), its spacing, and the rate when known at plan time. */
  rateSpec?: string | undefined;
  arrival?: 'constant' | 'poisson' | undefined;
  offeredRps?: number | undefined;
  /** Request path, e.g. `/queries?queries=20`. */
  path: string;
  /** Seconds of discarded load, then measured seconds, of each load run of this cell. */
  warmupS: number;
  durationS: number;
  /** Seconds a request may take before it counts as a timeout; undefined: the generator's 10. Set only on a lengthened window (pipeline/window-length.ts). */
  timeoutS?: number | undefined;
}

/** Pure: a cell's load-run timing: the run's, or the shorter bound timing for latency-bound slow-db cells. */
export function cellTiming(
  config: Pick<RunConfig, 'warmupS' | 'durationS' | 'boundTiming' | 'windowTiming'>,
  dbLatencyMs: number | undefined,
): { warmupS: number; durationS: number } {
  const window = config.windowTiming;
  if (window) {
    const b = window.bound;
    return b && dbLatencyMs !== undefined && dbLatencyMs >= b.fromMs
      ? { warmupS: b.warmupS, durationS: b.durationS }
      : { warmupS: window.warmupS, durationS: window.durationS };
  }
  const bound = config.boundTiming;
  if (bound && dbLatencyMs !== undefined && dbLatencyMs >= bound.fromMs) return { warmupS: bound.warmupS, durationS: bound.durationS };
  return { warmupS: config.warmupS, durationS: config.durationS };
}

/** `fastapi/slow-db/c64/10ms`, with `/rtt0.5` when a round trip is added, so ids without one are unchanged. */
export function cellId(c: Pick<CellPlan, 'framework' | 'scenario' | 'connections' | 'dbLatencyMs' | 'dbRttMs'>): string {
  const latency = c.dbLatencyMs === undefined ? '' : `/${c.dbLatencyMs}ms`;
  const rtt = c.dbRttMs ? `/rtt${c.dbRttMs}` : '';
  return `${c.framework}/${c.scenario}/c${c.connections}${latency}${rtt}`;
}

/** The round trips of a run (--db-rtt), 0 being the direct path; [0] for configurations that predate it. */
export function rttsOf(config: Pick<RunConfig, 'dbRttMs'>): number[] {
  return config.dbRttMs && config.dbRttMs.length > 0 ? config.dbRttMs : [0];
}

/** The cells of one framework, per round trip (--db-rtt) then in scenario order. Pure. */
export function planCells(config: RunConfig, scenarios: Scenario[], framework: string): CellPlan[] {
  return rttsOf(config).flatMap((rtt) => planCellsAt(config, scenarios, framework, rtt > 0 ? rtt : undefined));
}

function planCellsAt(config: RunConfig, scenarios: Scenario[], framework: string, dbRttMs: number | undefined): CellPlan[] {
  const cells: CellPlan[] = [];
  for (const name of config.scenarios) {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) continue;
    // json never reaches the database: when the direct path is measured too, its json cells stand for every RTT.
    if (!usesDatabase(scenario.kind) && dbRttMs !== undefined && rttsOf(config).includes(0)) continue;
    const latencies = scenario.kind === 'slow-db' ? (config.dbLatenciesMs ?? [scenario.dbLatencyMs]) : [undefined];
    for (const instance of scenarioInstances(scenario)) {
      for (const connections of config.connections) {
        for (const dbLatencyMs of latencies) {
          const base = { framework, scenario: instance.name, connections, dbLatencyMs, dbRttMs };
          cells.push({
            ...base,
            id: cellId(base),
            kind: scenario.kind,
            queries: scenario.kind === 'queries' || scenario.kind === 'updates' ? scenario.queries : undefined,
            ...(instance.param ? { param: instance.param } : {}),
            ...(instance.sweepOf ? { sweepOf: instance.sweepOf } : {}),
            ...(scenario.pipelining !== undefined && scenario.pipelining > 1 ? { pipelining: scenario.pipelining } : {}),
            path: scenarioPath(scenario, dbLatencyMs, instance.param?.value),
            ...cellTiming(config, dbLatencyMs),
          });
        }
      }
    }
  }
  return cells;
}

/** Pure: the pipelining factors above 1 that the run's cells use, ascending. */
export function pipeliningFactors(cells: ReadonlyArray<{ pipelining?: number | undefined }>): number[] {
  return [...new Set(cells.flatMap((c) => (c.pipelining !== undefined && c.pipelining > 1 ? [c.pipelining] : [])))].sort((a, b) => a - b);
}

/**
 * Rounds of work: each round starts every framework once and measures each of its cells
 * once. With interleaving, repeat r of every cell runs in round r, so slow drift of the
 * machine spreads across frameworks instead of landing on whichever ran last.
 */
export function planRounds(config: RunConfig, phase: RoundPhase = 'closed'): RoundStep[] {
  const rounds: RoundStep[] = [];
  if (config.interleave) {
    for (let round = 0; round < config.repeat; round++) for (const framework of config.frameworks) rounds.push({ round, framework, phase });
  } else {
    for (const framework of config.frameworks) rounds.push({ round: -1, framework, phase });
  }
  return rounds;
}

/** `closed`: the saturation cells; `open`: the open-loop cells, after every closed-loop cell (their `%` rates need them). */
export type RoundPhase = 'closed' | 'open';
/** Start one framework and measure its cells of `phase` once (all repeats when round is -1). */
export interface RoundStep {
  round: number;
  framework: string;
  phase: RoundPhase;
}
