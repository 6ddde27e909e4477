import type { AppDefinition } from './apps/manifest.ts';
import { workerSettings, fillPlaceholders, type WorkerSettings } from './apps/workers.ts';
import type { RunConfig } from './config/options.ts';
import type { CpuLayout } from './cpu/layout.ts';
import { wasInterrupted } from './cleanup.ts';
import type { Database } from './db/types.ts';
import { BenchError, errorLine } from './errors.ts';
import { runSampledAutocannon } from './load/sampled.ts';
import { normalizeAutocannon } from './load/normalize.ts';
import { planCells, planRounds, type CellPlan } from './plan.ts';
import { processTreeReader, readCgroup } from './resources/proc.ts';
import { SAMPLE_INTERVAL_MS, type SampledTarget } from './resources/sampler.ts';
import type { Ceiling, Cell, Results } from './results/schema.ts';
import { measureDbCeiling, measureLoadgenCeiling } from './ceilings/ceilings.ts';
import { findPgbench } from './ceilings/pgbench.ts';
import { runWrk } from './load/wrk.ts';
import { saveRaw, saveResults } from './results/store.ts';
import type { PreparedApp, ResourceTarget, RunningApp, Runtime } from './runtime/types.ts';
import type { Scenario } from './scenarios/scenario.ts';
import { findFreePort } from './util/ports.ts';
import { normalizePackageName } from './util/freeze.ts';
import { fetchOnce, verifyCell, type DatabaseProbes } from './verify/verify.ts';
import http from 'node:http';

export interface RunContext {
  config: RunConfig;
  apps: Map<string, AppDefinition>;
  scenarios: Scenario[];
  layout: CpuLayout;
  pinned: boolean;
  runtime: Runtime;
  database: Database;
  probes?: DatabaseProbes;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** The results document, already holding machine, config and database; cells are added here. */
  results: Results;
  now: () => Date;
  /** Called once every app is prepared, before the first measurement. */
  onPrepared?: () => Promise<void>;
}

/**
 * autocannon and wrk agreeing within 10% is what the two tools' own run-to-run noise
 * allows; the gunicorn sync-worker trap showed up as 0.60-0.63 (DESIGN.md).
 */
export const CROSS_CHECK_RANGE = [0.9, 1.1] as const;

/** How long an app may take to answer its first request. */
const STARTUP_TIMEOUT_MS = 60_000;
/** Log lines of a failed app kept in the results. */
const FAILURE_LOG_LINES = 20;

/**
 * The run: prepare every app, then per round and framework start -> (verify -> warm up ->
 * measure) per cell -> stop. Every finished cell is saved before the next one starts.
 */
export async function runBenchmark(ctx: RunContext): Promise<Results> {
  const { config, results } = ctx;
  const prepared = new Map<string, PreparedApp | Error>();
  for (const name of config.frameworks) {
    const app = ctx.apps.get(name)!;
    try {
      const p = await ctx.runtime.prepare(app, ctx.log);
      prepared.set(name, p);
      results.apps[name] = appRecord(app, p, workerSettings(app, ctx.layout.appCpus.length, config.connectionCap));
      ctx.log(`${name}: ${p.cached ? 'environment cached' : `environment built in ${p.prepareS.toFixed(0)} s`}`);
    } catch (error) {
      prepared.set(name, error as Error);
      ctx.log(`${name}: preparing failed: ${errorLine(error)}`);
    }
    if (wasInterrupted()) return results;
  }
  await saveResults(config.out, results);
  await ctx.onPrepared?.();
  await measureCeilings(ctx);

  for (const { round, framework } of planRounds(config)) {
    if (wasInterrupted()) break;
    const cells = planCells(config, ctx.scenarios, framework);
    const ready = prepared.get(framework)!;
    if (ready instanceof Error) {
      for (const plan of cells) await recordFailure(ctx, plan, 'prepare', errorLine(ready), []);
      continue;
    }
    await runFramework(ctx, ready, cells, round);
  }
  await checkDrift(ctx, prepared);
  return results;
}

/**
 * A run whose first cell, measured again at the end, moved by more than this is flagged:
 * thermal throttling, a noisy neighbour or a leaking app would show up here. 10% is twice
 * the noise threshold for a single cell (NOISY_CV).
 */
export const DRIFT_LIMIT = 0.1;

async function checkDrift(ctx: RunContext, prepared: Map<string, PreparedApp | Error>): Promise<void> {
  const first = ctx.results.cells.find((c) => c.status === 'ok' && c.repeats.length > 0);
  const app = first && prepared.get(first.framework);
  if (!first || !app || app instanceof Error || wasInterrupted()) return;
  const plan = planCells(ctx.config, ctx.scenarios, first.framework).find((p) => p.id === first.id);
  if (!plan) return;
  ctx.log(`drift check: measuring ${first.id} again`);
  const firstRps = first.repeats[0]!.measurement.rps;
  const lastRps = await withApp(ctx, app, async (running) => {
    const { output } = await measureOnce(ctx, running, plan);
    return normalizeAutocannon(output.result, output.latencyMeanExactMs).rps;
  });
  if (lastRps === undefined) return;
  const change = lastRps / firstRps - 1;
  ctx.results.drift = { cellId: first.id, firstRps, lastRps, change, flagged: Math.abs(change) > DRIFT_LIMIT };
  if (ctx.results.drift.flagged) {
    ctx.results.warnings.push({ code: 'DRIFT', message: `${first.id} moved ${(change * 100).toFixed(1)}% between the start and the end of the run`, hint: 'the machine was not steady; re-run on a quiet machine' });
  }
  await saveResults(ctx.config.out, ctx.results);
}

/** Starts the app, runs `body`, stops it; undefined (logged) if it would not start or `body` failed. */
async function withApp<T>(ctx: RunContext, prepared: PreparedApp, body: (app: RunningApp) => Promise<T>): Promise<T | undefined> {
  let app: RunningApp | undefined;
  try {
    app = await startApp(ctx, prepared);
    return await body(app);
  } catch (error) {
    ctx.log(`${prepared.app.name}: ${errorLine(error)}`);
    return undefined;
  } finally {
    if (app) await stopApp(ctx, app);
  }
}

/** Load generator and database ceilings, once per run, before any framework. */
async function measureCeilings(ctx: RunContext): Promise<void> {
  const { config, layout } = ctx;
  const timing = { warmupS: config.warmupS, durationS: config.durationS };
  const record = async (what: string, measure: () => Promise<Ceiling>) => {
    if (wasInterrupted()) return;
    try {
      const ceiling = await measure();
      ctx.results.ceilings.push(ceiling);
      ctx.log(`ceiling: ${what}: ${ceiling.rps.toFixed(0)} req/s`);
    } catch (error) {
      if (wasInterrupted()) return;
      ctx.results.warnings.push({ code: 'CEILING_FAILED', message: `${what}: ${errorLine(error)}` });
      ctx.log(`ceiling: ${what} failed: ${errorLine(error)}`);
    }
    await saveResults(config.out, ctx.results);
  };
  for (const connections of config.connections) {
    await record(`load generator, c${connections}`, () => measureLoadgenCeiling(layout, ctx.pinned, connections, timing));
  }
  // Every database cell shape of the run: scenario x connections x latency.
  const pgbench = await findPgbench();
  if (!pgbench) {
    ctx.results.warnings.push({ code: 'NO_PGBENCH', message: 'pgbench not found: database ceilings measured with node-postgres, which may limit them on one core', hint: 'apt-get install postgresql-client or a postgresql package' });
  }
  // planCells gives each scenario x connections x latency once.
  for (const plan of planCells(config, ctx.scenarios, '_')) {
    if (plan.kind === 'json') continue;
    const kind = plan.kind;
    await record(`database, ${plan.id.slice(2)}`, () =>
      measureDbCeiling(
        { url: ctx.database.url, connectionCap: config.connectionCap, connections: plan.connections, kind, queries: plan.queries, dbLatencyMs: plan.dbLatencyMs, scenario: plan.scenario },
        layout,
        ctx.pinned,
        timing,
        pgbench,
      ),
    );
  }
}

/** The app could not be started or never answered; carries its last log lines. */
class StartFailure extends BenchError {
  constructor(
    message: string,
    readonly logLines: string[],
  ) {
    super('APP_START', message);
  }
}

/** Starts the app and waits until it answers; on failure it is stopped and its last log lines kept. */
async function startApp(ctx: RunContext, prepared: PreparedApp): Promise<RunningApp> {
  const settings = workerSettings(prepared.app, ctx.layout.appCpus.length, ctx.config.connectionCap);
  const port = await findFreePort();
  ctx.log(`${prepared.app.name}: starting on 127.0.0.1:${port} (${settings.workers} worker(s), ${settings.threads} thread(s), pool ${settings.poolSize})`);
  let app: RunningApp | undefined;
  try {
    app = await ctx.runtime.start({ prepared, port, settings, databaseUrl: ctx.database.url, cpus: ctx.layout.appCpus, runId: ctx.results.runId });
    await waitUntilReady(app);
    return app;
  } catch (error) {
    const lines = app ? await app.lastLogLines(FAILURE_LOG_LINES) : [];
    if (app) await stopApp(ctx, app);
    throw new StartFailure(errorLine(error), lines);
  }
}

/** Cleanup failures are warnings: they must not hide a measurement or the original error. */
async function stopApp(ctx: RunContext, app: RunningApp): Promise<void> {
  await app.stop().catch((error: unknown) => {
    ctx.results.warnings.push({ code: 'STOP_FAILED', message: `stopping ${app.baseUrl}: ${errorLine(error)}` });
    ctx.log(`warning: stopping ${app.baseUrl} failed: ${errorLine(error)}`);
  });
}

async function runFramework(ctx: RunContext, prepared: PreparedApp, cells: CellPlan[], round: number): Promise<void> {
  let app: RunningApp;
  try {
    app = await startApp(ctx, prepared);
  } catch (error) {
    const lines = error instanceof StartFailure ? error.logLines : [];
    for (const plan of cells) await recordFailure(ctx, plan, 'start', errorLine(error), lines);
    return;
  }
  try {
    for (const plan of cells) {
      if (wasInterrupted()) break;
      await runCell(ctx, app, plan, round);
    }
  } finally {
    await stopApp(ctx, app);
  }
}

export async function waitUntilReady(app: RunningApp): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exited: { code: number | null; signal: string | null } | undefined;
  void app.exited.then((e) => (exited = e));
  const agent = new http.Agent({ keepAlive: false });
  try {
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the app exited (${exited.code ?? exited.signal}) before answering`);
      try {
        await fetchOnce(app.baseUrl, '/json', agent);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`the app did not answer GET /json within ${STARTUP_TIMEOUT_MS / 1000} s`);
  } finally {
    agent.destroy();
  }
}

function findCell(results: Results, plan: CellPlan): Cell | undefined {
  return results.cells.find((c) => c.id === plan.id);
}

function newCell(plan: CellPlan): Cell {
  return {
    id: plan.id,
    framework: plan.framework,
    scenario: plan.scenario,
    kind: plan.kind,
    connections: plan.connections,
    dbLatencyMs: plan.dbLatencyMs,
    queries: plan.queries,
    path: plan.path,
    status: 'ok',
    repeats: [],
  };
}

async function recordFailure(ctx: RunContext, plan: CellPlan, stage: 'prepare' | 'start' | 'verify' | 'measure', reason: string, logLines: string[]): Promise<void> {
  // A Ctrl-C kills the load generator and the app: that is not the app's failure. The cell stays unmeasured.
  if (wasInterrupted()) return;
  let cell = findCell(ctx.results, plan);
  if (!cell) {
    cell = newCell(plan);
    ctx.results.cells.push(cell);
  }
  if (cell.status === 'failed') return;
  cell.status = 'failed';
  cell.failure = { stage, reason, logLines };
  ctx.log(`${plan.id}: FAILED at ${stage}: ${reason}`);
  await saveResults(ctx.config.out, ctx.results);
}

async function runCell(ctx: RunContext, app: RunningApp, plan: CellPlan, round: number): Promise<void> {
  const existing = findCell(ctx.results, plan);
  if (existing?.status === 'failed') return;
  const cell = existing ?? newCell(plan);
  if (!existing) ctx.results.cells.push(cell);

  // Verified on every start of the app, before each of its measurements (DESIGN.md).
  const verification = await verifyCell(app.baseUrl, plan, ctx.probes);
  cell.verification = { checked: verification.checked, problems: verification.problems };
  if (!verification.ok) {
    await recordFailure(ctx, plan, 'verify', verification.problems.slice(0, 3).join('; '), await app.lastLogLines(FAILURE_LOG_LINES));
    return;
  }

  const repeats = round < 0 ? ctx.config.repeat : 1;
  for (let r = 0; r < repeats; r++) {
    if (wasInterrupted()) return;
    const index = cell.repeats.length;
    const startedAt = ctx.now().toISOString();
    try {
      const { output, resources } = await measureOnce(ctx, app, plan);
      const rawFile = await saveRaw(ctx.config.out, `${plan.id.replace(/\//g, '_')}-r${index}.json`, output);
      const measurement = normalizeAutocannon(output.result, output.latencyMeanExactMs);
      cell.repeats.push({ repeat: index, startedAt, measurement, resources, rawFile });
      const exit = await Promise.race([app.exited, Promise.resolve(undefined)]);
      if (exit) throw new Error(`the app exited (${exit.code ?? exit.signal}) during the measurement`);
      if (ctx.config.crossCheck && (plan.kind === 'json' || plan.kind === 'db') && index === 0) {
        const wrk = await runWrk(`${app.baseUrl}${plan.path}`, plan.connections, ctx.config.durationS, ctx.layout.loadgenCpus, ctx.pinned);
        const ratio = wrk.rps > 0 ? measurement.rps / wrk.rps : 0;
        cell.crossCheck = { tool: 'wrk', rps: wrk.rps, ratio, flagged: ratio < CROSS_CHECK_RANGE[0] || ratio > CROSS_CHECK_RANGE[1] };
        ctx.log(`${plan.id}: wrk ${wrk.rps.toFixed(0)} req/s, autocannon/wrk ${ratio.toFixed(2)}${cell.crossCheck.flagged ? ' FLAGGED' : ''}`);
      }
      ctx.log(
        `${plan.id}: ${measurement.rps.toFixed(0)} req/s, p50 ${measurement.latencyP50Ms} ms, p99 ${measurement.latencyP99Ms} ms` +
          (measurement.errors + measurement.non2xx > 0 ? `, ${measurement.errors} errors, ${measurement.non2xx} non-2xx` : '') +
          (resources.app ? `, app CPU ${(resources.app.cpuMeanUtil * 100).toFixed(0)}%` : ''),
      );
    } catch (error) {
      await recordFailure(ctx, plan, 'measure', errorLine(error), await app.lastLogLines(FAILURE_LOG_LINES));
      return;
    }
    await saveResults(ctx.config.out, ctx.results);
  }
}

function targetReader(target: ResourceTarget) {
  return target.kind === 'cgroup' ? () => readCgroup(target.path) : processTreeReader(target.rootPid);
}

async function measureOnce(ctx: RunContext, app: RunningApp, plan: CellPlan) {
  const targets: SampledTarget[] = [{ name: 'app', cores: ctx.layout.appCpus.length, read: targetReader(app.resourceTarget) }];
  const db = ctx.database;
  if (db.serverPid !== undefined) targets.push({ name: 'database', cores: ctx.layout.dbCpus.length, read: processTreeReader(db.serverPid) });
  else if (db.cgroupPath) targets.push({ name: 'database', cores: ctx.layout.dbCpus.length, read: () => readCgroup(db.cgroupPath!) });
  const { output, usage } = await runSampledAutocannon(
    { url: `${app.baseUrl}${plan.path}`, connections: plan.connections, warmupS: ctx.config.warmupS, durationS: ctx.config.durationS, cpus: ctx.layout.loadgenCpus },
    ctx.pinned,
    targets,
  );
  return { output, resources: { intervalMs: SAMPLE_INTERVAL_MS, ...usage } };
}

function appRecord(app: AppDefinition, p: PreparedApp, settings: WorkerSettings): Results['apps'][string] {
  const keyPackages: Record<string, string> = {};
  for (const name of app.packages) keyPackages[name] = p.packages[normalizePackageName(name)] ?? 'not installed';
  return {
    displayName: app.displayName,
    server: app.server,
    model: app.model,
    settings,
    command: app.command.map((part) => fillPlaceholders(part, settings)),
    pythonVersion: p.pythonVersion,
    keyPackages,
    packages: p.packages,
    imageId: p.imageId,
    baseImage: p.baseImage,
    prepareS: p.prepareS,
    cached: p.cached,
  };
}
