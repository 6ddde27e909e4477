import { errorLine } from '../errors.ts';
import type { RunningApp } from '../runtime/types.ts';
import { type RunContext, stopping } from './context.ts';
import { startApp, stopApp } from './framework.ts';
import { measureOnce, requireClean } from './measure.ts';

/**
 * A run whose first cell, measured again at the end, moved by more than this is flagged:
 * thermal throttling, a noisy neighbour or a leaking app would show up here. 10% is twice
 * the noise threshold for a single cell (NOISY_CV in analysis/stats.ts).
 */
export const DRIFT_LIMIT = 0.1;

/** Pure: the drift record from the first and the last rps of a cell. */
export function driftOf(cellId: string, firstRps: number, lastRps: number) {
  const change = lastRps / firstRps - 1;
  return { cellId, firstRps, lastRps, change, flagged: Math.abs(change) > DRIFT_LIMIT };
}

/** Measures the run's first measured cell once more, on a fresh start of its app. */
export async function checkDrift(ctx: RunContext): Promise<void> {
  // A closed-loop cell: the drift is a change of requests/s at saturation.
  const first = ctx.recorder.results.cells.find((c) => c.status === 'ok' && c.repeats.length > 0 && c.rateSpec === undefined);
  const prepared = first && ctx.prepared.get(first.framework);
  const plan = first && ctx.plan.cells.find((p) => p.id === first.id);
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
      warmupS: ctx.config.warmupS,
      durationS: ctx.config.durationS,
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
