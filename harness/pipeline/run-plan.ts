import { COMMIT_TEST_S } from '../ceilings/commit-latency.ts';
import type { RunConfig } from '../config/options.ts';
import { MIN_ROUNDS } from '../config/schedule.ts';
import { type CellPlan, pipeliningFactors, planCells, planRounds, type RoundStep } from '../plan.ts';
import { planOpenLoopCells } from '../plan-open-loop.ts';
import { planSideBySide, type SideBySidePlan } from '../plan-side-by-side.ts';
import { type Scenario, usesDatabase } from '../scenarios/scenario.ts';

/** Everything a run will do, known before anything starts. Pure data. */
export interface RunPlan {
  /** Start each framework once per step, in this order: the closed-loop rounds (none with the side-by-side schedule), then the open-loop ones. */
  rounds: RoundStep[];
  /** --schedule side-by-side: the closed-loop phase, every app up at once (plan-side-by-side.ts); undefined with the restart schedule. */
  sideBySide?: SideBySidePlan | undefined;
  /** Every planned cell: the closed-loop ones in framework then scenario order, then the open-loop ones (docs/open-loop.md). */
  cells: CellPlan[];
  /** Each database cell shape (scenario x connections x latency) once: one database ceiling each. */
  dbCeilingShapes: CellPlan[];
  /** Load runs of cells, plus one for the drift check with the restart schedule (side by side reads the machine's trend off its rounds). */
  measurements: number;
  /** A rough estimate of the run's wall time, for a progress display. */
  expectedS: number;
}

/**
 * Start of an app until it answers, and verification of one cell: guesses, not measurements
 * (a cached venv starts in 1-3 s, Django in up to 5 s). A progress display needs minutes
 * right, not seconds; a first venv build or image build comes on top.
 */
const START_ESTIMATE_S = 5;
const VERIFY_ESTIMATE_S = 2;

/** Pure: the run's plan from its configuration. */
/** `protocols`: how many statement protocols get a database ceiling of their own (pipeline/ceilings.ts runProtocols). */
export function planRun(config: RunConfig, scenarios: Scenario[], protocols = 1): RunPlan {
  const open = config.frameworks.flatMap((framework) => planOpenLoopCells(config, scenarios, framework));
  const closed = config.frameworks.flatMap((framework) => planCells(config, scenarios, framework));
  // A results.json always records the seed of a side-by-side run (config/schedule.ts); 0 stands in for a hand-made config without one.
  const closedRounds = expectedClosedRounds(config, closed);
  // Side by side with adaptive stopping, every round it may run is planned (its order is then fixed by the seed alone); it stops early.
  const plannedRounds = plannedRoundsOf(config);
  const sideBySide = config.schedule === 'side-by-side' ? planSideBySide(closed, plannedRounds, config.seed ?? 0, minRounds(config)) : undefined;
  const rounds = [...(sideBySide ? [] : planRounds(config)), ...(open.length > 0 ? planRounds(config, 'open') : [])];
  const cells = [...closed, ...open];
  // The ceilings keep the profile's longer timing: they are measured once, not in rounds.
  const dbCeilingShapes = planCells({ ...config, windowTiming: undefined }, scenarios, '_').filter((p) => usesDatabase(p.kind));
  // With restarts, the first cell is measured again on a fresh start at the end (pipeline/drift.ts); side by side needs no extra window.
  const driftCheck = !sideBySide && cells.length > 0;
  const measurements = closed.length * closedRounds + open.length * config.repeat + (driftCheck ? 1 : 0);
  // Each start verifies the cells it serves: once per round with restarts, once in all for side-by-side apps.
  const perStart = config.interleave ? config.repeat : 1;
  const verifications = (sideBySide ? closed.length : closed.length * perStart) + open.length * perStart;
  return {
    rounds,
    sideBySide,
    cells,
    dbCeilingShapes,
    measurements,
    expectedS: estimateDurationS(
      config,
      cells,
      appStarts(rounds, cells, sideBySide),
      dbCeilingShapes.flatMap((s) => Array.from({ length: protocols }, () => s)),
      verifications,
      sumS(closed) * closedRounds + sumS(open) * config.repeat + (driftCheck && cells[0] ? loadRunS(cells[0]) : 0),
      driftCheck,
    ),
  };
}

/**
 * A window's cost beyond its load: the job sent to the run's long-lived load generator, the
 * end of its last sample tick, the bookkeeping (about 30-50 ms measured; docs/schedule.md).
 * For the ETA only.
 */
const WINDOW_OVERHEAD_S = 0.1;

/** The most side-by-side rounds a plan lays out: the stopping rule's cap, or --repeat without one. */
export function plannedRoundsOf(config: Pick<RunConfig, 'repeat' | 'stopping'>): number {
  return config.stopping?.maxRounds ?? config.repeat;
}

/** The fewest side-by-side rounds: --repeat, and never fewer than MIN_ROUNDS when rounds stop by precision. */
export function minRounds(config: Pick<RunConfig, 'repeat' | 'stopping'>): number {
  return config.stopping ? Math.max(config.repeat, MIN_ROUNDS) : config.repeat;
}

/**
 * Pure: the closed-loop rounds a run is expected to measure: --repeat, or side by side with
 * adaptive stopping, as many as the budget holds within [minRounds, maxRounds] (it may stop
 * sooner, once precise enough).
 */
export function expectedClosedRounds(config: Pick<RunConfig, 'repeat' | 'stopping'>, closed: Pick<CellPlan, 'warmupS' | 'durationS'>[]): number {
  if (!config.stopping || closed.length === 0) return config.repeat;
  const roundS = sumS(closed) + WINDOW_OVERHEAD_S * closed.length;
  return Math.min(config.stopping.maxRounds, Math.max(minRounds(config), Math.floor(config.stopping.budgetS / roundS)));
}

/**
 * Pure: how often an app is started. A round step starts its framework once per round trip
 * of its cells (pipeline/framework.ts); side by side, each app starts once per round trip.
 */
export function appStarts(rounds: RoundStep[], cells: CellPlan[], sideBySide: SideBySidePlan | undefined): number {
  const rttsOf = (step: RoundStep) =>
    new Set(cells.filter((c) => c.framework === step.framework && (c.rateSpec !== undefined) === (step.phase === 'open')).map((c) => c.dbRttMs)).size;
  const stepStarts = rounds.reduce((n, step) => n + rttsOf(step), 0);
  return stepStarts + (sideBySide?.blocks.reduce((n, b) => n + b.frameworks.length, 0) ?? 0);
}

const loadRunS = (c: Pick<CellPlan, 'warmupS' | 'durationS'>) => c.warmupS + c.durationS;
const sumS = (xs: Pick<CellPlan, 'warmupS' | 'durationS'>[]) => xs.reduce((total, c) => total + loadRunS(c), 0);

/** Pure: ceilings (and the commit latency test), then every measurement, start and verification, then the drift check's start (`driftCheck`: the restart schedule's). */
export function estimateDurationS(
  config: Pick<RunConfig, 'warmupS' | 'durationS' | 'repeat' | 'connections' | 'interleave'>,
  cells: Pick<CellPlan, 'warmupS' | 'durationS' | 'pipelining'>[],
  starts: number,
  dbCeilings: (Pick<CellPlan, 'warmupS' | 'durationS'> & { kind?: CellPlan['kind'] })[],
  verifications = cells.length * (config.interleave ? config.repeat : 1),
  measurementsS?: number,
  driftCheck = true,
): number {
  // One load generator ceiling per connection count, and one more per pipelining factor of the cells (plaintext).
  const loadgenCeilings = config.connections.length * (1 + pipeliningFactors(cells).length);
  // Updates and hot-rows cells wait on commits: the commit latency test runs once before them (pipeline/ceilings.ts).
  const commitS = dbCeilings.some((s) => s.kind === 'updates' || s.kind === 'hot-rows') ? COMMIT_TEST_S : 0;
  const ceilingsS = loadgenCeilings * (config.warmupS + config.durationS) + sumS(dbCeilings) + commitS;
  // The drift check measures the first cell once more, on a start of its own.
  const loadS = measurementsS ?? sumS(cells) * config.repeat + (driftCheck && cells[0] ? loadRunS(cells[0]) : 0);
  return ceilingsS + loadS + (starts + (driftCheck ? 1 : 0)) * START_ESTIMATE_S + verifications * VERIFY_ESTIMATE_S;
}

/** The planned cells of one framework, of one phase when given (open loop: those with a rate). */
export function cellsOf(plan: RunPlan, framework: string, phase?: RoundStep['phase']): CellPlan[] {
  return plan.cells.filter((c) => c.framework === framework && (phase === undefined || (c.rateSpec !== undefined) === (phase === 'open')));
}
