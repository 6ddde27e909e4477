import { placeSweep } from '../analysis/sweep-placement.ts';
import { type CellPlan, planCells, planRounds } from '../plan.ts';
import { planSideBySide } from '../plan-side-by-side.ts';
import { type RunContext, stopping } from './context.ts';
import { runFrameworkCells } from './framework.ts';
import { minRounds, plannedRoundsOf } from './run-plan.ts';
import { runSideBySide } from './side-by-side.ts';

/**
 * After the closed-loop cells (docs/analysis.md, "Where the sweep is placed"): every framework's
 * db cell predicts its crossover; when the profile's sweep stops short of twice the largest
 * prediction, the latencies that reach it are planned and measured for every framework, on
 * the run's own schedule, before the open-loop cells. The placement and its reason are recorded
 * either way. --db-latencies is never extended: the line then says whether it brackets.
 */
export async function placeAndExtendSweep(ctx: RunContext): Promise<void> {
  const sweepScenarios = ctx.config.scenarios.filter((name) => ctx.scenarios.find((s) => s.name === name)?.kind === 'slow-db');
  const planned = ctx.config.dbLatenciesMs;
  if (sweepScenarios.length === 0 || !planned || stopping(ctx)) return;
  const placement = placeSweep(ctx.recorder.results, planned, ctx.config.extendSweep !== true);
  if (!placement) return;
  await ctx.recorder.setSweep(placement);
  ctx.recorder.log(placement.line);
  if (placement.addedMs.length === 0) return;
  const config = { ...ctx.config, dbLatenciesMs: placement.addedMs, scenarios: sweepScenarios, openLoop: undefined };
  const added = ctx.config.frameworks.flatMap((framework) => planCells(config, ctx.scenarios, framework));
  await ctx.recorder.addCells(added);
  // The progress line's total follows: each added cell is measured as often as the run's cells at least are.
  const times = ctx.plan.sideBySide ? minRounds(ctx.config) : ctx.config.repeat;
  ctx.plan = { ...ctx.plan, cells: [...ctx.plan.cells, ...added], measurements: ctx.plan.measurements + added.length * times };
  ctx.recorder.emit({ type: 'stage', stage: 'measure', detail: `the sweep extended to ${placement.addedMs.join(', ')} ms: ${added.length} more cells` });
  await measureAdded(ctx, added);
}

/** The added cells, on the run's schedule: side by side in rounds of their own, or a start per framework and round. */
async function measureAdded(ctx: RunContext, added: CellPlan[]): Promise<void> {
  const main = ctx.plan.sideBySide;
  if (main) {
    const closed = ctx.plan.cells.filter((c) => c.rateSpec === undefined).length;
    const stop = ctx.config.stopping;
    const plannedRounds = plannedRoundsOf(ctx.config);
    await runSideBySide(ctx, {
      ...planSideBySide(added, plannedRounds, (main.seed + 1) >>> 0, minRounds(ctx.config)),
      // The added cells' share of the budget: they are latency-bound, and usually stop by precision well before it.
      budgetS: stop ? (stop.budgetS * added.length) / Math.max(1, closed) : undefined,
      extension: true,
    });
    return;
  }
  for (const step of planRounds(ctx.config)) {
    await runFrameworkCells(
      ctx,
      step,
      added.filter((c) => c.framework === step.framework),
    );
  }
}
