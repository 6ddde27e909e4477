import { errorLine } from '../errors.ts';
import type { CellPlan } from '../plan.ts';
import type { Failure } from '../results/schema.ts';
import type { RunningApp } from '../runtime/types.ts';
import type { RunContext } from './context.ts';

/** Log lines of a failed app or database kept in the results. */
export const FAILURE_LOG_LINES = 20;

/** A part of the run (the app, the database) died; carries its last log lines. */
export class PartDied extends Error {
  constructor(
    message: string,
    readonly logLines: string[] = [],
  ) {
    super(message);
    this.name = 'PartDied';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Who to blame for a failure: the database when its watch says it died (waiting up to
 * blameGraceMs for the watch to speak, since a dying database takes its apps down first),
 * otherwise the error itself with the app's last log lines.
 */
async function blame(ctx: RunContext, stage: Failure['stage'], error: unknown, app?: RunningApp): Promise<Failure> {
  if (!ctx.health.databaseExit && ctx.blameGraceMs > 0 && (stage === 'start' || stage === 'measure')) {
    await Promise.race([ctx.database.exited, sleep(ctx.blameGraceMs)]);
  }
  const dead = ctx.health.databaseExit;
  if (dead) return { stage, reason: `the database died: ${dead.reason}`, logLines: dead.logLines };
  const logLines = error instanceof PartDied && error.logLines.length > 0 ? error.logLines : app ? await app.lastLogLines(FAILURE_LOG_LINES) : [];
  return { stage, reason: errorLine(error), logLines };
}

/**
 * Records `cells` as failed at `stage`. A Ctrl-C kills the load generator and the app: that
 * is nobody's failure, so nothing is recorded and the cells stay unmeasured.
 */
export async function failCells(ctx: RunContext, cells: CellPlan[], stage: Failure['stage'], error: unknown, app?: RunningApp): Promise<void> {
  if (ctx.interrupted()) return;
  const failure = await blame(ctx, stage, error, app);
  for (const cell of cells) await ctx.recorder.failCell(cell.id, failure);
}
