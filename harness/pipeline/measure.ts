import { BenchError } from '../errors.ts';
import type { LoadGenerator, LoadResult } from '../load/types.ts';
import type { CellPlan } from '../plan.ts';
import { type CpuMemReading, cgroupPids, processTreeReader, readCgroup, treePids } from '../resources/proc.ts';
import type { SampledTarget } from '../resources/sampler.ts';
import type { DbWaits } from '../results/db-waits-schema.ts';
import type { Neighbours } from '../results/neighbours-schema.ts';
import type { Measurement } from '../results/schema.ts';
import { appConnectionName, type RunningApp } from '../runtime/types.ts';
import { usesDatabase } from '../scenarios/scenario.ts';
import { type ConnectionCounts, connectionCapProblems, unnamedConnectionsProblem } from '../verify/connections.ts';
import { databaseUrlFor, type RunContext } from './context.ts';
import { PartDied } from './failure.ts';

/**
 * The share of requests that may fail (errors, timeouts, non-2xx) before a cell is `failed`:
 * 0.1%. A correct app on loopback answers every request; autocannon stopping mid-flight
 * costs none. The killed gunicorn worker of issue 8 cost 54 of about 10,000 requests (0.5%),
 * and one bad request in a thousand already skews rps and p99 beyond the repeats' noise.
 */
export const MAX_FAILED_SHARE = 0.001;

/** Pure: failed requests (autocannon counts timeouts within errors) and their share of every request. */
export function failedRequests(m: Measurement): { failed: number; total: number; share: number } {
  const failed = m.errors + m.non2xx;
  const total = m.requests2xx + failed;
  return { failed, total, share: total > 0 ? failed / total : 1 };
}

const fmtWait = (ms: number) => `${Math.round(ms).toLocaleString('en-US')} ms`;
/** The answered requests' rate: what a table would have shown had the cell counted. */
const fmtRate = (rps: number) => `${rps < 100 ? rps.toFixed(1) : Math.round(rps).toLocaleString('en-US')} req/s`;

/** Pure: why a measurement does not count, or undefined when it does. */
export function measurementProblem(m: Measurement): string | undefined {
  if (m.requests2xx === 0) return `no successful (2xx) responses (${m.errors} errors, ${m.timeouts} timeouts, ${m.non2xx} non-2xx)`;
  const { failed, total, share } = failedRequests(m);
  if (share <= MAX_FAILED_SHARE) return undefined;
  const said = Object.entries(m.errorMessages ?? {}).map(([message, n]) => `${JSON.stringify(message)} x${n}`);
  // Timeouts are requests that waited too long, not wrong answers: how long the answered ones waited shows whether the app served its queue in order.
  const waited =
    m.timeouts > 0
      ? `; the answered requests: ${fmtRate(m.rps)}, p50 ${fmtWait(m.latencyP50Ms)}, p99 ${fmtWait(m.latencyP99Ms)}, max ${fmtWait(m.latencyMaxMs)}`
      : '';
  return `${failed} of ${total} requests failed (${(share * 100).toFixed(2)}%, above ${MAX_FAILED_SHARE * 100}%): ${m.errors} errors (${m.timeouts} timeouts), ${m.non2xx} non-2xx${said.length ? `; errors said ${said.join(', ')}` : ''}${waited}`;
}

/** What is sampled during a load run: the app, and the database when the harness can see it. */
export function sampleTargets(ctx: Pick<RunContext, 'layout' | 'database' | 'networkPids'>, app: RunningApp): SampledTarget[] {
  const target = app.resourceTarget;
  const targets: SampledTarget[] = [
    {
      name: 'app',
      cores: ctx.layout.appCpus.length,
      read: target.kind === 'cgroup' ? () => readCgroup(target.path) : target.kind === 'reader' ? target.read : processTreeReader(target.rootPid),
    },
  ];
  const db = ctx.database;
  if (db.serverPid !== undefined) targets.push({ name: 'database', cores: ctx.layout.dbCpus.length, read: processTreeReader(db.serverPid) });
  else if (db.cgroupPath) {
    const cgroup = db.cgroupPath;
    targets.push({ name: 'database', cores: ctx.layout.dbCpus.length, read: () => readCgroup(cgroup) });
  }
  // The --db-rtt proxy shares the database's cores: its CPU is load the database's host would carry too.
  if (ctx.networkPids && ctx.networkPids.length > 0)
    targets.push({ name: 'proxy', cores: ctx.layout.dbCpus.length, read: sumReaders(ctx.networkPids.map((pid) => processTreeReader(pid))) });
  return targets;
}

/** CPU and memory of several process trees, summed. */
function sumReaders(readers: (() => Promise<CpuMemReading>)[]): () => Promise<CpuMemReading> {
  return async () => {
    const readings = await Promise.all(readers.map((read) => read()));
    return { cpuS: readings.reduce((s, r) => s + r.cpuS, 0), memBytes: readings.reduce((s, r) => s + r.memBytes, 0) };
  };
}

/**
 * One load run of `generator` against the cell's URL. It is aborted at once when the app
 * exits or the database dies, and an app that exited by the end fails it too.
 */
export async function measureOnce(ctx: RunContext, app: RunningApp, plan: CellPlan, generator: LoadGenerator, warmupS = plan.warmupS): Promise<MeasuredLoad> {
  const appDied = new AbortController();
  const died = (exit: { code: number | null; signal: string | null }) =>
    new PartDied(`${plan.framework} exited (${exit.code ?? exit.signal}) during the measurement`);
  void app.exited.then((exit) => appDied.abort(died(exit)));
  const watch = ctx.watchNeighbours?.(app);
  // Open loop: the rate known at plan time, or the one resolved from the closed-loop cells (pipeline/open-loop.ts).
  const rateRps = plan.rateSpec === undefined ? undefined : (plan.offeredRps ?? ctx.recorder.cell(plan.id)?.offeredRps);
  const job = {
    url: `${app.baseUrl}${plan.path}`,
    connections: plan.connections,
    pipelining: plan.pipelining,
    warmupS,
    durationS: plan.durationS,
    timeoutS: plan.timeoutS,
    cpus: ctx.layout.loadgenCpus,
    rateRps,
    arrival: plan.arrival,
    // The neighbours and the database's waits are tallied over the measured window only, as the sampler samples.
    onMeasureStart: () => {
      watch?.restart();
      sampler?.measureStart?.();
    },
  };
  // A worker that dies mid-run may be restarted by its server and cost no counted error (its
  // connections just close), so the app's processes are compared before and after the run.
  const processesBefore = await appPids(app.resourceTarget);
  // The worker rule is proven, not assumed: the connections the app holds are counted while it is under load.
  const sampler = !usesDatabase(plan.kind) ? undefined : ctx.sampleConnections?.(databaseUrlFor(ctx, plan.dbRttMs), appConnectionName(plan.framework));
  let result: LoadResult;
  try {
    result = await generator.run(job, sampleTargets(ctx, app), AbortSignal.any([ctx.databaseSignal, appDied.signal]));
  } catch (error) {
    watch?.stop();
    await sampler?.stop().catch(() => undefined);
    throw error;
  }
  const neighbours = watch?.stop();
  const activity = await sampler?.stop();
  const exit = await Promise.race([app.exited, Promise.resolve(undefined)]);
  if (exit) throw died(exit);
  const after = new Set(await appPids(app.resourceTarget));
  const lost = processesBefore.filter((pid) => !after.has(pid));
  if (lost.length > 0) {
    throw new PartDied(
      `${plan.framework}: process(es) ${lost.join(', ')} of the app exited during the measurement (a worker died; its server may have restarted it)`,
    );
  }
  // The count stays the cap's evidence as before; the waits go beside it.
  const dbConnections = activity && { peak: activity.peak, mean: activity.mean, samples: activity.samples };
  return { ...result, dbConnections, dbWaits: activity?.waits, neighbours };
}

/** The app's processes: its process tree, or its container's cgroup; none for a target read another way (a remote engine). */
async function appPids(target: RunningApp['resourceTarget']): Promise<number[]> {
  if (target.kind === 'process-tree') return treePids(target.rootPid);
  if (target.kind === 'cgroup') return cgroupPids(target.path);
  return [];
}

/** A load run and, for database cells, the connections the app held meanwhile; what other processes took during it. */
export interface MeasuredLoad extends LoadResult {
  dbConnections?: ConnectionCounts | undefined;
  /** Database cells: what the app's backends waited on over the measured window (db/activity.ts). */
  dbWaits?: DbWaits | undefined;
  neighbours?: Neighbours | undefined;
}

/** Fails a measurement in which the app held more database connections than the cap (docs/fairness.md). */
export function requireWithinCap(counts: ConnectionCounts | undefined, connectionCap: number, appConnectionName?: string): void {
  const during = 'during the measurement';
  const problems = counts ? [...connectionCapProblems(counts, connectionCap, during), ...unnamedConnectionsProblem(counts, appConnectionName, during)] : [];
  if (problems.length > 0) throw new BenchError('LOADGEN', problems[0]!);
}

/** Fails a measurement whose requests failed beyond MAX_FAILED_SHARE. */
export function requireClean(m: Measurement): void {
  const problem = measurementProblem(m);
  if (problem) throw new BenchError('LOADGEN', problem);
}
