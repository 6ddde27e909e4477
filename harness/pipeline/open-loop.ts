import { errorLine } from '../errors.ts';
import { resolveOpenLoopRates } from '../plan-open-loop.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells } from './failure.ts';

/**
 * Between the closed-loop and the open-loop rounds (docs/open-loop.md): resolve every `%`
 * rate from the closed-loop cells just measured and record it on its cell (a cell with no
 * capacity to take a share of fails), then measure the open-loop generator's own ceiling once.
 */
export async function startOpenLoopPhase(ctx: RunContext): Promise<void> {
  const open = ctx.plan.cells.filter((c) => c.rateSpec !== undefined);
  if (open.length === 0 || stopping(ctx)) return;
  ctx.recorder.emit({ type: 'stage', stage: 'ceilings', detail: 'open-loop rates and the open-loop generator' });
  const resolved = resolveOpenLoopRates(open, ctx.recorder.results.cells);
  for (const warning of resolved.warnings) await ctx.recorder.warn('OPEN_LOOP_RATE', warning);
  for (const r of resolved.cells) {
    const plan = open.find((c) => c.id === r.id)!;
    if ('error' in r) await failCells(ctx, [plan], 'measure', new Error(r.error));
    else {
      await ctx.recorder.setOfferedRps(r.id, r.offeredRps);
      if (plan.offeredRps === undefined) ctx.recorder.log(`${r.id}: ${plan.rateSpec} is ${r.offeredRps} requests/s`);
    }
  }
  const probe = ctx.ceilings.openLoop;
  const arrival = open[0]!.arrival ?? 'poisson';
  const connections = open[0]!.connections;
  if (!probe || stopping(ctx) || !open.some((c) => ctx.recorder.cell(c.id)?.status !== 'failed')) return;
  try {
    const ceiling = await probe.measure({ connections, arrival }, ctx.databaseSignal);
    await ctx.recorder.addCeiling(ceiling);
    ctx.recorder.log(`ceiling: open-loop generator, c${connections}: ${ceiling.rps.toFixed(0)} req/s`);
  } catch (error) {
    if (!stopping(ctx)) await ctx.recorder.warn('CEILING_FAILED', `open-loop generator, c${connections}: ${errorLine(error)}`);
  }
}
