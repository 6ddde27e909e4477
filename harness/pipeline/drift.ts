import { DRIFT_LIMIT, machineTrend } from '../analysis/trend.ts';
import { errorLine } from '../errors.ts';
import { trendDetail } from '../report/rounds.ts';
import type { RunningApp } from '../runtime/types.ts';
import { type RunContext, stopping } from './context.ts';
import { startApp, stopApp } from './framework.ts';
import { measureOnce, requireClean } from './measure.ts';
import { timedPlan } from './window-length.ts';

/** Pure: the drift record from the first and the last rps of a cell. */
export function driftOf(cellId: string, firstRps: number, lastRps: number) {
  const change = lastRps / firstRps - 1;
  return { cellId, firstRps, lastRps, change, flagged: Math.abs(change) > DRIFT_LIMIT };
}

/**
 * Side by side (docs/schedule.md): the machine's speed over the rounds, read off the windows
 * already recorded instead of measuring a cell again; `DRIFT` when it moved beyond
 * DRIFT_LIMIT, its whole interval on one side.
 */
export async function recordTrend(ctx: RunContext): Promise<void> {
  const trend = machineTrend(ctx.recorder.results.cells);
  if (!trend) return;
  await ctx.recorder.setTrend(trend);
  if (trend.verdict === 'drifted') await ctx.recorder.warn('DRIFT', trendDetail(trend));
}

/** Measures the run's first measured cell once more, on a fresh start of its app. */
export async function checkDrift(ctx: RunContext): Promise<void> {
  // A closed-loop cell: the drift is a change of requests/s at saturation.
  const first = ctx.recorder.results.cells.find((c) => c.status === 'ok' && c.repeats.length > 0 && c.rateSpec === undefined);
  const prepared = first && ctx.prepared.get(first.framework);
  // With the cell's lengthened timing, if it had one: the same window as the measurement it is compared with.
  const planned = first && ctx.plan.cells.find((p) => p.id === first.id);
  const plan = planned && timedPlan(ctx.lengthened, planned);
  if (stopping(ctx) || !first || !plan || !prepared || prepared instanceof Error) return;
  ctx.recorder.emit({ type: 'stage', stage: 'drift', detail: `measuring ${first.id} again` });
  let app: RunningApp | undefined;
  try {
    app = await startApp(ctx, prepared, plan.dbRttMs);
    const index = ++ctx.counter.measured;
    const total = ctx.plan.measurements;
    ctx.recorder.emit({
      type: 'measure-start',
      cellId: first.id,
      repeat: first.repeats.length,
      index,
      total,
      warmupS: plan.warmupS,
      durationS: plan.durationS,
    });
    const { measurement } = await measureOnce(ctx, app, plan, ctx.loadGenerator);
    ctx.recorder.emit({
      type: 'measure-end',
      cellId: first.id,
      repeat: first.repeats.length,
      index,
      total,
      summary: `${measurement.rps.toFixed(0)} req/s (drift check)`,
      rps: measurement.rps,
    });
    requireClean(measurement);
    const drift = driftOf(first.id, first.repeats[0]!.measurement.rps, measurement.rps);
    await ctx.recorder.setDrift(drift);
    if (drift.flagged) await ctx.recorder.warn('DRIFT', `${first.id} moved ${(drift.change * 100).toFixed(1)}%`);
  } catch (error) {
    if (!stopping(ctx)) await ctx.recorder.warn('DRIFT_FAILED', `${first.id}: ${errorLine(error)}`);
  } finally {
    if (app) await stopApp(ctx, app);
  }
}
