import { disturbance } from '../analysis/neighbours.ts';
import { columnHalfWidth } from '../analysis/precision.ts';
import { ANALYSIS_SEED } from '../analysis/ratios.ts';
import type { CellPlan } from '../plan.ts';
import { type SideBySideBlock, type SideBySidePlan, type SideBySideWindow, shapeOf } from '../plan-side-by-side.ts';
import type { RoundsRecord } from '../results/rounds-schema.ts';
import type { RunningApp } from '../runtime/types.ts';
import { seedFor } from '../util/random.ts';
import { measureRepeat, verifyCellOn } from './cell.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells, PartDied } from './failure.ts';
import { startApp, stopApp } from './framework.ts';
import { quiet } from './quiet.ts';

/**
 * The closed-loop phase of `--schedule side-by-side` (docs/schedule.md): per database round
 * trip, start every app and verify its cells, measure the planned rounds on the running
 * apps, then stop them all. Each window is the next repeat of its cell, so round r is
 * repeat r and the analysis of interleaved repeats reads it unchanged.
 */
export async function runSideBySide(ctx: RunContext, plan: SideBySidePlan): Promise<void> {
  for (const block of plan.blocks) {
    if (stopping(ctx)) return;
    await runBlock(ctx, block, plan);
  }
}

const failed = (ctx: RunContext, cell: CellPlan) => ctx.recorder.cell(cell.id)?.status === 'failed';
const where = (block: SideBySideBlock) => (block.dbRttMs ? `, database round trip +${block.dbRttMs} ms` : '');

/** One round trip: every app up for all its rounds; the apps are stopped on every path, Ctrl-C included. */
async function runBlock(ctx: RunContext, block: SideBySideBlock, plan: SideBySidePlan): Promise<void> {
  const apps = new Map<string, RunningApp>();
  try {
    await startAll(ctx, block, apps);
    await runRounds(ctx, block, apps, plan);
  } finally {
    for (const app of apps.values()) await stopApp(ctx, app);
  }
}

/**
 * The rounds on the running apps. With adaptive stopping (config.stopping) a column whose
 * ratios reached the target is not measured again, and the rounds end once every column
 * has, or once this round trip's share of the budget is spent; the budget is checked only
 * between columns, so the frameworks of a column always share their rounds. Never fewer
 * than `minRounds`. How it ended is recorded (results.rounds).
 */
async function runRounds(ctx: RunContext, block: SideBySideBlock, apps: Map<string, RunningApp>, plan: SideBySidePlan): Promise<void> {
  const { minRounds } = plan;
  const stop = ctx.config.stopping;
  const budgetS = stop ? (plan.budgetS ?? stop.budgetS) / plan.blocks.length : Number.POSITIVE_INFINITY;
  const startedMs = ctx.now().getTime();
  const elapsedS = () => (ctx.now().getTime() - startedMs) / 1000;
  const columns = new Map<string, { rounds: number; halfWidth?: number | undefined; met: boolean }>();
  for (const shape of new Set(block.cells.map(shapeOf))) columns.set(shape, { rounds: 0, met: false });
  let stoppedBy: RoundsRecord['stoppedBy'] = 'max-rounds';
  rounds: for (const [index, windows] of block.rounds.entries()) {
    if (stopping(ctx) || !windows.some((w) => apps.has(w.cell.framework) && !failed(ctx, w.cell))) {
      stoppedBy = 'stopped';
      break;
    }
    const of = stop ? `at most ${block.rounds.length}, until ±${pct(stop.targetHalfWidth)} or ${Math.round(budgetS)} s` : `of ${block.rounds.length}`;
    ctx.recorder.emit({ type: 'stage', stage: 'measure', detail: `round ${index + 1} (${of})${where(block)}` });
    for (const [shape, group] of byShape(windows)) {
      if (columns.get(shape)?.met) continue;
      if (index >= minRounds && elapsedS() >= budgetS) {
        stoppedBy = 'budget';
        break rounds;
      }
      for (const window of group) {
        if (stopping(ctx)) {
          stoppedBy = 'stopped';
          break rounds;
        }
        await measureWindow(ctx, apps, window);
      }
      columns.get(shape)!.rounds++;
    }
    if (!stop || index + 1 < minRounds) continue;
    checkColumns(ctx, block, columns, stop.targetHalfWidth);
    const open = [...columns.values()].filter((c) => !c.met);
    const widest = Math.max(0, ...open.map((c) => c.halfWidth ?? Number.POSITIVE_INFINITY));
    ctx.recorder.emit({
      type: 'stage',
      stage: 'measure',
      detail: `after round ${index + 1}: ${columns.size - open.length} of ${columns.size} columns within ±${pct(stop.targetHalfWidth)}${open.length ? `, widest ±${pct(widest)}` : ''}`,
    });
    if (open.length === 0) {
      stoppedBy = 'precision';
      break;
    }
  }
  if (stop) {
    const record: RoundsRecord = {
      ...(block.dbRttMs ? { dbRttMs: block.dbRttMs } : {}),
      // Rounds in which something was measured (a round stopped at its first column by the budget does not count).
      rounds: Math.max(0, ...[...columns.values()].map((c) => c.rounds)),
      stoppedBy,
      targetHalfWidth: stop.targetHalfWidth,
      budgetS,
      elapsedS: elapsedS(),
      columns: [...columns].map(([shape, c]) => ({ shape, rounds: c.rounds, ...(c.halfWidth !== undefined ? { halfWidth: c.halfWidth } : {}), met: c.met })),
    };
    await (plan.extension ? ctx.recorder.extendRounds(record) : ctx.recorder.setRounds(record));
  }
}

/** ±x% as the progress line prints it: `5%`, `2.5%`, `inf%` for a column with no finite ratio. */
const pct = (share: number) => (Number.isFinite(share) ? `${Number((share * 100).toFixed(1))}%` : 'inf%');

/** The windows of one round grouped by column, in order: the frameworks of a column are back to back. */
function byShape(windows: SideBySideWindow[]): [string, SideBySideWindow[]][] {
  const groups: [string, SideBySideWindow[]][] = [];
  for (const w of windows) {
    const last = groups[groups.length - 1];
    if (last && last[0] === w.shape) last[1].push(w);
    else groups.push([w.shape, [w]]);
  }
  return groups;
}

/** Re-reads each column not yet within the target from what is on record; failed cells are left out of their column. */
function checkColumns(ctx: RunContext, block: SideBySideBlock, columns: Map<string, { halfWidth?: number | undefined; met: boolean }>, target: number): void {
  for (const [shape, column] of columns) {
    if (column.met) continue;
    const rps = block.cells
      .filter((c) => shapeOf(c) === shape && !failed(ctx, c))
      .map((c) => ctx.recorder.cell(c.id)?.repeats.map((r) => r.measurement.rps) ?? []);
    column.halfWidth = columnHalfWidth(rps, seedFor(shape, ANALYSIS_SEED));
    column.met = column.halfWidth !== undefined && column.halfWidth <= target;
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

/**
 * A window during which other processes or the hypervisor took CPU (the DISTURBED rule,
 * analysis/neighbours.ts) is measured again, at most this many times, after a pause; the
 * disturbed one is kept under the cell's `remeasured`. After that the window stays, flagged.
 */
export const REMEASURE = { TIMES: 2, PAUSE_MS: 1_000 } as const;

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
  for (let attempt = 0; ; attempt++) {
    try {
      await measureRepeat(ctx, app, cell);
    } catch (error) {
      await failCells(ctx, [cell], 'measure', error, app);
    }
    // The next window is another app's on the same cores and database: this one finishes its requests first (quiet.ts).
    const recorded = ctx.recorder.cell(cell.id);
    if (!stopping(ctx)) await quiet(ctx, app, cell);
    const why = recorded?.status === 'ok' ? disturbance(recorded.repeats.at(-1)?.resources?.neighbours) : undefined;
    if (!why || attempt >= REMEASURE.TIMES || stopping(ctx)) return;
    await ctx.recorder.remeasureLast(cell.id, why);
    ctx.counter.measured--;
    ctx.recorder.log(`${cell.id}: ${why}; measuring this window again`);
    await new Promise((resolve) => setTimeout(resolve, REMEASURE.PAUSE_MS));
  }
}
