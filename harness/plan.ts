import type { RunConfig } from './config/options.ts';
import { PROFILES } from './config/profiles.ts';
import { scenarioPath, type Scenario } from './scenarios/scenario.ts';

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
  /** Request path, e.g. `/queries?queries=20`. */
  path: string;
}

export function cellId(c: Pick<CellPlan, 'framework' | 'scenario' | 'connections' | 'dbLatencyMs'>): string {
  const latency = c.dbLatencyMs === undefined ? '' : `/${c.dbLatencyMs}ms`;
  return `${c.framework}/${c.scenario}/c${c.connections}${latency}`;
}

/** The cells of one framework, in scenario order. Pure. */
export function planCells(config: RunConfig, scenarios: Scenario[], framework: string): CellPlan[] {
  const cells: CellPlan[] = [];
  for (const name of config.scenarios) {
    const scenario = scenarios.find((s) => s.name === name);
    if (!scenario) continue;
    const latencies =
      scenario.kind === 'slow-db'
        ? (config.dbLatenciesMs ?? (PROFILES[config.profile].sweepSlowDb ? scenario.sweepMs : [scenario.dbLatencyMs]))
        : [undefined];
    for (const connections of config.connections) {
      for (const dbLatencyMs of latencies) {
        const base = { framework, scenario: scenario.name, connections, dbLatencyMs };
        cells.push({
          ...base,
          id: cellId(base),
          kind: scenario.kind,
          queries: scenario.kind === 'queries' ? scenario.queries : undefined,
          path: scenarioPath(scenario, dbLatencyMs),
        });
      }
    }
  }
  return cells;
}

/**
 * Rounds of work: each round starts every framework once and measures each of its cells
 * once. With interleaving, repeat r of every cell runs in round r, so slow drift of the
 * machine spreads across frameworks instead of landing on whichever ran last.
 */
export function planRounds(config: RunConfig): { round: number; framework: string }[] {
  const rounds: { round: number; framework: string }[] = [];
  if (config.interleave) {
    for (let round = 0; round < config.repeat; round++) for (const framework of config.frameworks) rounds.push({ round, framework });
  } else {
    for (const framework of config.frameworks) rounds.push({ round: -1, framework });
  }
  return rounds;
}
