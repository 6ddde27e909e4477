import { errorLine } from '../errors.ts';
import { pipeliningFactors } from '../plan.ts';
import type { StatementProtocol } from '../results/analysis-schema.ts';
import type { Ceiling } from '../results/schema.ts';
import { databaseUrlFor, type RunContext, stopping } from './context.ts';

/** The load generator's ceiling per connection count, and the database's per database cell shape; once per run, before any framework. */
export async function measureCeilings(ctx: RunContext): Promise<void> {
  if (stopping(ctx)) return;
  ctx.recorder.emit({ type: 'stage', stage: 'ceilings' });
  for (const connections of ctx.config.connections) {
    await record(ctx, `load generator, c${connections}`, () => ctx.ceilings.loadgen.measure({ connections }));
    // A pipelining scenario (plaintext) is judged against the load generator sending as it does.
    for (const pipelining of pipeliningFactors(ctx.plan.cells)) {
      await record(ctx, `load generator, c${connections}, pipelining ${pipelining}`, () => ctx.ceilings.loadgen.measure({ connections, pipelining }));
    }
  }
  // The database is warm after its first ceiling (buffers, pgbench's prepared plans are per run anyway): later ones skip the warm-up.
  let warm = false;
  for (const shape of ctx.plan.dbCeilingShapes) {
    const { kind, queries, dbLatencyMs, connections, scenario, warmupS, durationS, dbRttMs, param } = shape;
    if (kind === 'json' || kind === 'plaintext') continue;
    for (const protocol of runProtocols(ctx)) {
      const job = {
        url: databaseUrlFor(ctx, dbRttMs),
        connectionCap: ctx.config.connectionCap,
        connections,
        kind,
        queries,
        dbLatencyMs,
        ...(param ? { param: param.value } : {}),
        scenario,
        warmupS: warm ? 0 : warmupS,
        durationS,
        protocol,
      };
      warm = true;
      // The id without its framework part: `db/c64`, `slow-db/c64/10ms`.
      // The probe does not know the round trip; the record carries it, so ceilings of the same shape stay apart.
      await record(ctx, `database, ${shape.id.slice(shape.framework.length + 1)}, ${protocol} protocol`, async () => ({
        ...(await ctx.ceilings.database.measure(job, ctx.databaseSignal)),
        ...(dbRttMs ? { dbRttMs } : {}),
      }));
    }
  }
  await measureCommitLatency(ctx);
}

/** Updates and hot-rows cells wait on commits: the database's commit latency goes beside them (a warning when it cannot be measured). */
async function measureCommitLatency(ctx: RunContext): Promise<void> {
  const probe = ctx.ceilings.commitLatency;
  if (!probe || stopping(ctx) || !ctx.plan.dbCeilingShapes.some((s) => s.kind === 'updates' || s.kind === 'hot-rows')) return;
  try {
    const c = await probe(ctx.database.url);
    await ctx.recorder.setCommitLatency(c);
    ctx.recorder.log(`commit latency: ${c.msPerCommit.toFixed(2)} ms per commit (synchronous_commit=${c.synchronousCommit})`);
  } catch (error) {
    if (stopping(ctx)) return;
    await ctx.recorder.warn('CEILING_FAILED', `commit latency: ${errorLine(error)}`);
  }
}

/**
 * The statement protocols of the run's apps, `prepared` first: each gets its own database
 * ceiling, so an ORM app that sends simple-protocol queries is not judged against a ceiling
 * only prepared statements reach (docs/fairness.md). Apps that declare none count as prepared.
 */
export function runProtocols(ctx: Pick<RunContext, 'config' | 'apps'>): StatementProtocol[] {
  const used = new Set<StatementProtocol>(['prepared']);
  for (const name of ctx.config.frameworks) used.add(ctx.apps.get(name)?.dataAccess?.protocol ?? 'prepared');
  return [...used];
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
