import { disturbance } from '../analysis/neighbours.ts';
import { errorLine } from '../errors.ts';
import type { LoadGenerator } from '../load/types.ts';
import type { CellPlan } from '../plan.ts';
import { SAMPLE_INTERVAL_MS } from '../resources/sampler.ts';
import type { Measurement, Resources } from '../results/schema.ts';
import { appConnectionName, type RunningApp } from '../runtime/types.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells } from './failure.ts';
import { measureOnce, requireClean, requireWithinCap } from './measure.ts';
import { quiet } from './quiet.ts';
import { longerWindow, shortWindowReason, timedPlan } from './window-length.ts';

/**
 * autocannon and wrk agreeing within 10% is what the two tools' own run-to-run noise
 * allows; the gunicorn sync-worker trap showed up as 0.60-0.63.
 */
export const CROSS_CHECK_RANGE = [0.9, 1.1] as const;

/**
 * One cell on a running app: verify (on every start of the app), then its repeats for this
 * round (all of them without interleaving). Each repeat is on disk before the next starts.
 */
export async function runCell(ctx: RunContext, app: RunningApp, plan: CellPlan, round: number): Promise<void> {
  if (!(await verifyCellOn(ctx, app, plan))) return;
  const repeats = round < 0 ? ctx.config.repeat : 1;
  for (let r = 0; r < repeats; r++) {
    if (stopping(ctx)) return;
    try {
      await measureRepeat(ctx, app, plan);
    } catch (error) {
      await failCells(ctx, [plan], 'measure', error, app);
      return;
    }
  }
}

/** Verifies the cell on the running app and records what was checked; false (the cell failed at `verify`) when it does not pass. */
export async function verifyCellOn(ctx: RunContext, app: RunningApp, plan: CellPlan): Promise<boolean> {
  // The app's last window may have left it work that would count as this verification's (quiet.ts).
  await quiet(ctx, app, plan);
  try {
    const verification = await ctx.verify(app.baseUrl, plan);
    ctx.recorder.setVerification(plan.id, { checked: verification.checked, problems: verification.problems });
    if (!verification.ok) throw new Error(verification.problems.slice(0, 3).join('; '));
    return true;
  } catch (error) {
    await failCells(ctx, [plan], 'verify', error, app);
    return false;
  }
}

/**
 * One load run of the cell, recorded as its next repeat; throws when it does not count (the
 * caller fails the cell). A closed-loop window that ended before the app answered once per
 * connection is kept aside (`remeasured`) and measured again, longer (window-length.ts);
 * the cell keeps the longer timing for its later windows.
 */
export async function measureRepeat(ctx: RunContext, app: RunningApp, cell: CellPlan): Promise<void> {
  for (;;) {
    const plan = timedPlan(ctx.lengthened, cell);
    const repeat = ctx.recorder.cell(plan.id)?.repeats.length ?? 0;
    const index = ++ctx.counter.measured;
    const total = ctx.plan.measurements;
    ctx.recorder.emit({ type: 'measure-start', cellId: plan.id, repeat, index, total, warmupS: plan.warmupS, durationS: plan.durationS });
    const startedAt = ctx.now().toISOString();
    const { measurement, usage, raw, dbConnections, dbWaits, neighbours } = await measureOnce(ctx, app, plan, generatorFor(ctx, plan));
    const resources: Resources = {
      intervalMs: SAMPLE_INTERVAL_MS,
      ...usage,
      ...(dbConnections ? { dbConnections } : {}),
      ...(dbWaits ? { dbWaits } : {}),
      ...(neighbours ? { neighbours } : {}),
    };
    // Raw data first, kept even when the measurement then fails the error threshold: it is the evidence.
    await ctx.recorder.addRepeat(plan.id, { startedAt, measurement, resources, raw });
    ctx.recorder.emit({ type: 'measure-end', cellId: plan.id, repeat, index, total, summary: summary(measurement, resources), rps: measurement.rps });
    ctx.lastWindowP99.set(plan.framework, measurement.latencyP99Ms);
    const longer = longerWindow(measurement, plan);
    if (longer && !stopping(ctx)) {
      const why = shortWindowReason(measurement, plan, longer);
      await ctx.recorder.remeasureLast(plan.id, why);
      ctx.counter.measured--;
      ctx.lengthened.set(plan.id, longer);
      ctx.recorder.log(`${plan.id}: ${why}`);
      continue;
    }
    requireClean(measurement);
    requireWithinCap(dbConnections, ctx.config.connectionCap, appConnectionName(plan.framework));
    if (ctx.crossCheck && plan.rateSpec === undefined && (plan.kind === 'json' || plan.kind === 'db') && repeat === 0)
      await crossCheck(ctx, app, plan, measurement);
    return;
  }
}

/** The open-loop generator for cells with an offered rate (docs/open-loop.md), the run's load generator otherwise. */
function generatorFor(ctx: RunContext, plan: CellPlan): LoadGenerator {
  if (plan.rateSpec === undefined) return ctx.loadGenerator;
  if (!ctx.openLoop) throw new Error(`${plan.id} is an open-loop cell, but the run has no open-loop generator`);
  return ctx.openLoop;
}

/** A second load generator on the same cell; a tool that cannot run is a warning, not the cell's failure. */
async function crossCheck(ctx: RunContext, app: RunningApp, plan: CellPlan, measurement: Measurement): Promise<void> {
  const tool = ctx.crossCheck!;
  try {
    // No warm-up: the cell was just warmed by the first tool.
    const other = (await measureOnce(ctx, app, plan, tool, 0)).measurement;
    const ratio = other.rps > 0 ? measurement.rps / other.rps : 0;
    const flagged = ratio < CROSS_CHECK_RANGE[0] || ratio > CROSS_CHECK_RANGE[1];
    await ctx.recorder.setCrossCheck(plan.id, { tool: tool.name, rps: other.rps, ratio, flagged });
    ctx.recorder.log(
      `${plan.id}: ${tool.name} ${other.rps.toFixed(0)} req/s, ${ctx.loadGenerator.name}/${tool.name} ${ratio.toFixed(2)}${flagged ? ' FLAGGED' : ''}`,
    );
  } catch (error) {
    if (stopping(ctx)) throw error;
    await ctx.recorder.warn('CROSS_CHECK_FAILED', `${plan.id}: ${errorLine(error)}`);
  }
}

/** Pure: the progress line of one measurement. */
export function summary(m: Measurement, resources: Resources): string {
  const disturbed = disturbance(resources.neighbours);
  return (
    `${m.rps.toFixed(0)} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms` +
    (m.errors + m.non2xx > 0 ? `, ${m.errors} errors, ${m.non2xx} non-2xx` : '') +
    (resources.app ? `, app CPU ${(resources.app.cpuMeanUtil * 100).toFixed(0)}%` : '') +
    (disturbed ? `; DISTURBED: ${disturbed}` : '')
  );
}
