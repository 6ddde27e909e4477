import type { CellPlan } from '../plan.ts';
import type { SideBySideBlock, SideBySidePlan, SideBySideWindow } from '../plan-side-by-side.ts';
import type { RunningApp } from '../runtime/types.ts';
import { measureRepeat, verifyCellOn } from './cell.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells, PartDied } from './failure.ts';
import { startApp, stopApp } from './framework.ts';

/**
 * The closed-loop phase of `--schedule side-by-side` (docs/schedule.md): per database round
 * trip, start every app and verify its cells, measure the planned rounds on the running
 * apps, then stop them all. Each window is the next repeat of its cell, so round r is
 * repeat r and the analysis of interleaved repeats reads it unchanged.
 */
export async function runSideBySide(ctx: RunContext, plan: SideBySidePlan): Promise<void> {
  for (const block of plan.blocks) {
    if (stopping(ctx)) return;
    await runBlock(ctx, block);
  }
}

const failed = (ctx: RunContext, cell: CellPlan) => ctx.recorder.cell(cell.id)?.status === 'failed';
const where = (block: SideBySideBlock) => (block.dbRttMs ? `, database round trip +${block.dbRttMs} ms` : '');

/** One round trip: every app up for all its rounds; the apps are stopped on every path, Ctrl-C included. */
async function runBlock(ctx: RunContext, block: SideBySideBlock): Promise<void> {
  const apps = new Map<string, RunningApp>();
  try {
    await startAll(ctx, block, apps);
    for (const [index, windows] of block.rounds.entries()) {
      if (stopping(ctx)) return;
      if (!windows.some((w) => apps.has(w.cell.framework) && !failed(ctx, w.cell))) return;
      ctx.recorder.emit({ type: 'stage', stage: 'measure', detail: `round ${index + 1} of ${block.rounds.length}${where(block)}` });
      for (const window of windows) {
        if (stopping(ctx)) return;
        await measureWindow(ctx, apps, window);
      }
    }
  } finally {
    for (const app of apps.values()) await stopApp(ctx, app);
  }
}

/**
 * Starts the block's apps one after another, each on its own port and pinned to the app's
 * CPUs (startApp). An app that does not start fails its cells at `start`; the others go on.
 */
async function startAll(ctx: RunContext, block: SideBySideBlock, apps: Map<string, RunningApp>): Promise<void> {
  const startable = block.frameworks.flatMap((framework) => {
    const prepared = ctx.prepared.get(framework);
    const cells = block.cells.filter((c) => c.framework === framework && !failed(ctx, c));
    return prepared && !(prepared instanceof Error) && cells.length > 0 ? [{ framework, prepared, cells }] : [];
  });
  ctx.recorder.emit({ type: 'stage', stage: 'measure', detail: `starting ${startable.length} app(s) side by side${where(block)}` });
  for (const { framework, prepared, cells } of startable) {
    if (stopping(ctx)) return;
    let app: RunningApp;
    try {
      app = await startApp(ctx, prepared, block.dbRttMs);
    } catch (error) {
      await failCells(ctx, cells, 'start', error);
      continue;
    }
    apps.set(framework, app);
    // Verified as soon as it is up; its connections are counted by its own name (verify/connections.ts),
    // so the apps already up and idle, holding their pools, are not counted against it.
    for (const cell of cells) {
      if (stopping(ctx)) return;
      await verifyCellOn(ctx, app, cell);
    }
  }
}

/** One window: the cell's next repeat on its running app. A dead app or a failed load run fails this cell only. */
async function measureWindow(ctx: RunContext, apps: Map<string, RunningApp>, window: SideBySideWindow): Promise<void> {
  const { cell } = window;
  const app = apps.get(cell.framework);
  if (!app || failed(ctx, cell)) return;
  const exit = await Promise.race([app.exited, Promise.resolve(undefined)]);
  if (exit) {
    const error = new PartDied(`${cell.framework} was not running: it exited (${exit.code ?? exit.signal}) during an earlier window`);
    await failCells(ctx, [cell], 'start', error, app);
    return;
  }
  try {
    await measureRepeat(ctx, app, cell);
  } catch (error) {
    await failCells(ctx, [cell], 'measure', error, app);
  }
}
