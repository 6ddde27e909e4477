import { neighboursDetail } from '../analysis/neighbours.ts';
import { BenchError, errorLine } from '../errors.ts';
import { speedDifference } from '../resources/speed.ts';
import { type CpuTimes, STEAL_MAX, stealShare } from '../resources/steal.ts';
import { notOkSummary } from '../results/recorder.ts';
import type { FinalRunStatus, Results, SpeedReading } from '../results/schema.ts';
import { measureCeilings, runProtocols } from './ceilings.ts';
import { type PipelineDeps, type RunContext, stopping } from './context.ts';
import { checkDrift, recordTrend } from './drift.ts';
import { PartDied } from './failure.ts';
import { runFramework } from './framework.ts';
import { startOpenLoopPhase } from './open-loop.ts';
import { prepareApps } from './prepare.ts';
import { planRun, type RunPlan } from './run-plan.ts';
import { runSideBySide } from './side-by-side.ts';
import { placeAndExtendSweep } from './sweep.ts';

/**
 * The run: plan -> provision -> prepare -> take the measuring lock -> machine checks -> ceilings -> per round and framework (start ->
 * per cell: verify -> measure) -> the sweep placed from the db cells (extended when short) -> open-loop rates and ceiling -> the open-loop rounds -> drift
 * (side by side: the machine's trend over the rounds, right after them) -> stop everything -> final status -> report.
 * Every finished repeat and cell is on disk before the next starts; the final write
 * happens on every path. Throws after that write when the run could not go on.
 */
export async function runPipeline(deps: PipelineDeps): Promise<Results> {
  const plan = planRun(deps.config, deps.scenarios, runProtocols(deps).length);
  deps.recorder.emit({ type: 'plan', cells: plan.cells.length, measurements: plan.measurements, expectedS: plan.expectedS });
  const ctx = await provision(deps, plan);
  let cpuAtStart: CpuTimes | undefined;
  let speedAtStart: SpeedReading | undefined;
  let release: (() => void) | undefined;
  let failure: unknown;
  try {
    await ctx.recorder.begin(ctx.results, plan.cells);
    for (const w of ctx.warnings) await ctx.recorder.warn(w.code, w.detail);
    // Building environments does not load the machine the way measuring does: it runs before the lock (docs/faults.md).
    await prepareApps(ctx);
    if (!stopping(ctx)) {
      // From the first load (the machine's speed, the ceilings) to the last (the drift check, the closing speed reading), one run at a time.
      const lock = await deps.measuringLock?.();
      release = lock?.release;
      if (lock?.waitedS) await ctx.recorder.setMachineWait(lock.waitedS);
      cpuAtStart = await deps.cpuTimes?.();
      const busy = await deps.busyMachine?.(ctx);
      if (busy) await ctx.recorder.warn('BUSY_MACHINE', busy);
      // Inside the lock: a reading taken while another run measures times that run's load, not
      // this machine, and its second of busy core lands in the other run's window.
      speedAtStart = await readSpeed(deps);
      if (speedAtStart) await ctx.recorder.setSpeed({ start: speedAtStart });
    }
    await measureCeilings(ctx);
    if (plan.sideBySide) await runSideBySide(ctx, plan.sideBySide);
    for (const step of plan.rounds.filter((s) => s.phase === 'closed')) await runFramework(ctx, step);
    // The db cells just measured predict each crossover: the sweep is extended until it reaches them (docs/analysis.md).
    await placeAndExtendSweep(ctx);
    // Every framework was measured in every round, so a machine that moved moved them all: its trend is read off the windows.
    if (plan.sideBySide) await recordTrend(ctx);
    // Open-loop cells last: their % rates are shares of what the closed-loop cells measured (docs/open-loop.md).
    await startOpenLoopPhase(ctx);
    for (const step of plan.rounds.filter((s) => s.phase === 'open')) await runFramework(ctx, step);
    // The restart schedule has no rounds shared by all frameworks: it measures its first cell again instead.
    if (!plan.sideBySide) await checkDrift(ctx);
  } catch (error) {
    failure = error;
  } finally {
    await cleanUp(ctx);
    await warnOfSteal(ctx, cpuAtStart, await deps.cpuTimes?.());
    // Not after Ctrl-C: the user wants out, and the reading would not matter to a partial run.
    if (speedAtStart && !ctx.interrupted()) await warnOfSpeed(ctx, speedAtStart, await readSpeed(deps));
    release?.();
    await warnOfNeighbours(ctx);
  }
  return finish(deps, ctx, failure);
}

/** DISTURBED, naming every cell and repeat during which other processes or the hypervisor took CPU (analysis/neighbours.ts). */
async function warnOfNeighbours(ctx: RunContext): Promise<void> {
  const detail = neighboursDetail(ctx.recorder.results);
  if (detail) await ctx.recorder.warn('DISTURBED', detail);
}

/** The rig, and a watch that stops everything once the database dies. */
async function provision(deps: PipelineDeps, plan: RunPlan): Promise<RunContext> {
  const rig = await deps.provision();
  const databaseDied = new AbortController();
  const ctx: RunContext = {
    ...rig,
    config: deps.config,
    apps: deps.apps,
    scenarios: deps.scenarios,
    recorder: deps.recorder,
    interrupted: deps.interrupted,
    now: deps.now,
    blameGraceMs: deps.blameGraceMs ?? 2500,
    plan,
    prepared: new Map(),
    health: {},
    databaseSignal: databaseDied.signal,
    counter: { measured: 0 },
    lengthened: new Map(),
    lastWindowP99: new Map(),
  };
  void rig.database.exited.then((exit) => {
    ctx.health.databaseExit = exit;
    databaseDied.abort(new PartDied(`the database died: ${exit.reason}`, exit.logLines));
  });
  return ctx;
}

/** STEAL when the host took more than STEAL_MAX of the machine's CPU time over the run. */
async function warnOfSteal(ctx: RunContext, before: CpuTimes | undefined, after: CpuTimes | undefined): Promise<void> {
  if (!before || !after) return;
  const share = stealShare(before, after);
  if (share > STEAL_MAX) await ctx.recorder.warn('STEAL', `the host took ${(share * 100).toFixed(1)}% of this machine's CPU time during the run`);
}

/** The machine's speed on fixed work; undefined when it cannot be read (a reading is never worth a run). */
async function readSpeed(deps: PipelineDeps): Promise<SpeedReading | undefined> {
  return deps.speed?.().catch(() => undefined);
}

/** MACHINE_SPEED when a kind of fixed work moved more than SPEED_CHANGE_MAX, its ranges apart, between before the first cell and after the last. */
async function warnOfSpeed(ctx: RunContext, start: SpeedReading, end: SpeedReading | undefined): Promise<void> {
  if (!end) return;
  await ctx.recorder.setSpeed({ start, end });
  const difference = speedDifference(start, end);
  // The warning's summary already says which work and which two moments: the detail is the figures.
  if (difference) await ctx.recorder.warn('MACHINE_SPEED', difference);
}

/** Apps first (they hold connections), then the database. Failures become warnings. */
async function cleanUp(ctx: RunContext): Promise<void> {
  await ctx.loadGenerator.close?.().catch((error: unknown) => ctx.recorder.warn('STOP_FAILED', `the load generator: ${errorLine(error)}`));
  await ctx.runtime.close().catch((error: unknown) => ctx.recorder.warn('STOP_FAILED', `the apps: ${errorLine(error)}`));
  await ctx.database.stop().catch((error: unknown) => ctx.recorder.warn('STOP_FAILED', `the database: ${errorLine(error)}`));
}

/** The final status and write, then the reports; rethrows the run's failure, or DATABASE when the database died. */
async function finish(deps: PipelineDeps, ctx: RunContext, failure: unknown): Promise<Results> {
  const dead = ctx.health.databaseExit;
  // `complete` only when every planned cell was measured: a CI job reading the status alone must never see a success that was not.
  const notOk = notOkSummary(ctx.recorder.results.cells) !== undefined;
  const status: FinalRunStatus = ctx.interrupted() ? 'interrupted' : failure || dead || notOk ? 'failed' : 'complete';
  try {
    await ctx.recorder.finish(status, ctx.now());
    ctx.recorder.emit({ type: 'stage', stage: 'report' });
    await deps.report(ctx.recorder.results);
  } catch (error) {
    // The run's own failure is the one to report; a failed final write is secondary.
    if (!failure) throw error;
    ctx.recorder.log(`warning: writing the final results failed: ${errorLine(error)}`);
  }
  if (failure) throw failure;
  if (dead && status === 'failed') {
    throw new BenchError('DATABASE', `the database died during the run: ${dead.reason}; the cells not measured are marked unmeasured`, {
      hint: `its last log lines and the failed cell are in ${deps.config.out}/results.json`,
    });
  }
  return ctx.recorder.results;
}
