import { errorLine } from '../errors.ts';
import type { Ceiling } from '../results/schema.ts';
import { databaseUrlFor, stopping, type RunContext } from './context.ts';

/** The load generator's ceiling per connection count, and the database's per database cell shape; once per run, before any framework. */
export async function measureCeilings(ctx: RunContext): Promise<void> {
  if (stopping(ctx)) return;
  ctx.recorder.emit({ type: 'stage', stage: 'ceilings' });
  for (const connections of ctx.config.connections) {
    await record(ctx, `load generator, c${connections}`, () => ctx.ceilings.loadgen.measure({ connections }));
  }
  for (const shape of ctx.plan.dbCeilingShapes) {
    const { kind, queries, dbLatencyMs, connections, scenario, warmupS, durationS, dbRttMs } = shape;
    if (kind === 'json') continue;
    const job = { url: databaseUrlFor(ctx, dbRttMs), connectionCap: ctx.config.connectionCap, connections, kind, queries, dbLatencyMs, scenario, warmupS, durationS };
    // The id without its framework part: `db/c64`, `slow-db/c64/10ms`.
    // The probe does not know the round trip; the record carries it, so ceilings of the same shape stay apart.
    await record(ctx, `database, ${shape.id.slice(shape.framework.length + 1)}`, async () => ({ ...(await ctx.ceilings.database.measure(job, ctx.databaseSignal)), ...(dbRttMs ? { dbRttMs } : {}) }));
  }
}

/** A ceiling that cannot be measured is a warning: the cells are still worth measuring. */
async function record(ctx: RunContext, what: string, measure: () => Promise<Ceiling>): Promise<void> {
  if (stopping(ctx)) return;
  try {
    const ceiling = await measure();
    await ctx.recorder.addCeiling(ceiling);
    ctx.recorder.log(`ceiling: ${what}: ${ceiling.rps.toFixed(0)} req/s`);
  } catch (error) {
    if (stopping(ctx)) return;
    await ctx.recorder.warn('CEILING_FAILED', `${what}: ${errorLine(error)}`);
  }
}
