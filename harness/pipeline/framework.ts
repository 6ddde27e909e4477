import { errorLine } from '../errors.ts';
import type { CellPlan, RoundStep } from '../plan.ts';
import type { PreparedApp, RunningApp } from '../runtime/types.ts';
import { runCell } from './cell.ts';
import { databaseUrlFor, type RunContext, stopping } from './context.ts';
import { FAILURE_LOG_LINES, failCells, PartDied } from './failure.ts';
import { settingsFor } from './prepare.ts';
import { cellsOf } from './run-plan.ts';

/**
 * One step of a round: per database round trip (--db-rtt; one without it), start the
 * framework's app against that path, run each of its cells that has not failed, stop it.
 */
export async function runFramework(ctx: RunContext, step: RoundStep): Promise<void> {
  await runFrameworkCells(ctx, step, cellsOf(ctx.plan, step.framework, step.phase));
}

/** As runFramework, for the given cells of the step's framework (the sweep's extension, pipeline/sweep.ts). */
export async function runFrameworkCells(ctx: RunContext, step: RoundStep, all: CellPlan[]): Promise<void> {
  for (const rtt of [...new Set(all.map((c) => c.dbRttMs))]) {
    await runFrameworkAt(
      ctx,
      step,
      all.filter((c) => c.dbRttMs === rtt),
      rtt,
    );
  }
}

async function runFrameworkAt(ctx: RunContext, step: { round: number; framework: string }, planned: CellPlan[], rttMs: number | undefined): Promise<void> {
  const prepared = ctx.prepared.get(step.framework);
  if (stopping(ctx) || !prepared || prepared instanceof Error) return;
  const cells = planned.filter((c) => ctx.recorder.cell(c.id)?.status !== 'failed');
  if (cells.length === 0) return;
  ctx.recorder.emit({
    type: 'stage',
    stage: 'measure',
    detail: `${step.framework}${step.round >= 0 ? `, round ${step.round + 1} of ${ctx.config.repeat}` : ''}`,
  });
  let app: RunningApp;
  try {
    app = await startApp(ctx, prepared, rttMs);
  } catch (error) {
    await failCells(ctx, cells, 'start', error);
    return;
  }
  try {
    for (const plan of cells) {
      if (stopping(ctx)) break;
      // An app that died in an earlier cell is not measured against again this round.
      const exit = await Promise.race([app.exited, Promise.resolve(undefined)]);
      if (exit)
        await failCells(
          ctx,
          [plan],
          'start',
          new PartDied(`${step.framework} was not running: it exited (${exit.code ?? exit.signal}) during an earlier cell`),
          app,
        );
      else await runCell(ctx, app, plan, step.round);
    }
  } finally {
    await stopApp(ctx, app);
  }
}

/** Starts the app and waits until it answers; on failure it is stopped and its last log lines kept. */
export async function startApp(ctx: RunContext, prepared: PreparedApp, dbRttMs?: number): Promise<RunningApp> {
  const settings = settingsFor(ctx, prepared.app);
  const port = await ctx.findPort();
  ctx.recorder.log(
    `${prepared.app.name}: starting on 127.0.0.1:${port} (${settings.workers} worker(s), ${settings.threads} thread(s), pool ${settings.poolSize})`,
  );
  let app: RunningApp | undefined;
  try {
    app = await ctx.runtime.start({
      prepared,
      port,
      settings,
      databaseUrl: databaseUrlFor(ctx, dbRttMs),
      cpus: ctx.layout.appCpus,
      runId: ctx.recorder.results.runId,
    });
    if (stopping(ctx)) throw new Error('the run is stopping');
    await ctx.ready(app);
    return app;
  } catch (error) {
    const lines = app ? await app.lastLogLines(FAILURE_LOG_LINES) : [];
    if (app) await stopApp(ctx, app);
    throw new PartDied(`${prepared.app.name} did not start: ${errorLine(error)}`, lines);
  }
}

/** Cleanup failures are warnings: they must not hide a measurement or the original error. */
export async function stopApp(ctx: RunContext, app: RunningApp): Promise<void> {
  try {
    await app.stop();
  } catch (error) {
    await ctx.recorder.warn('STOP_FAILED', `the app at ${app.baseUrl}: ${errorLine(error)}`);
  }
}
