import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { analysisRecord, analyze } from './analysis/analyze.ts';
import type { AppDefinition } from './apps/manifest.ts';
import { loadgenCeilingProbe, nodePostgresCeilingProbe, pgbenchCeilingProbe } from './ceilings/ceilings.ts';
import { measureCommitLatency } from './ceilings/commit-latency.ts';
import { findPgbench } from './ceilings/pgbench.ts';
import { onCleanup, wasInterrupted } from './cleanup.ts';
import type { RunConfig } from './config/options.ts';
import { allowedCpus, planCpuLayout } from './cpu/layout.ts';
import { startActivitySampler } from './db/activity.ts';
import { provisionDatabase } from './db/provision.ts';
import { describeNetwork } from './db/rtt-describe.ts';
import { openDatabasePaths } from './db/rtt-path.ts';
import { redactUrl } from './db/seed.ts';
import { applySynchronousCommit } from './db/synchronous-commit.ts';
import type { Database } from './db/types.ts';
import { logObserver, type RunObserver } from './events.ts';
import { autocannonGenerator } from './load/autocannon.ts';
import { openLoopGenerator } from './load/open-loop.ts';
import { openLoopCeilingProbe } from './load/open-loop-ceiling.ts';
import { wrkGenerator } from './load/wrk.ts';
import { describeMachine } from './machine.ts';
import { onAppHost, openAppHost, parseAppHost } from './net/app-host.ts';
import { REPO_ROOT } from './paths.ts';
import type { Rig } from './pipeline/context.ts';
import { runPipeline } from './pipeline/pipeline.ts';
import { rttsOf } from './plan.ts';
import { type PythonNeed, pythonNeed } from './python/discover.ts';
import { writeReports } from './report/write.ts';
import { busyMachineDetail, neighbourWatchFor } from './resources/own.ts';
import { probeSpeed } from './resources/speed.ts';
import { readCpuTimes } from './resources/steal.ts';
import { Recorder } from './results/recorder.ts';
import type { Results, Topology } from './results/schema.ts';
import { RESULTS_SCHEMA_VERSION } from './results/schema.ts';
import { fileStorage } from './results/store.ts';
import { chooseRuntime, hasTaskset } from './runtime/choose.ts';
import { waitUntilReady } from './runtime/ready.ts';
import { appConnectionName } from './runtime/types.ts';
import type { Scenario } from './scenarios/scenario.ts';
import { takeMeasuringLock, waitingLine } from './util/measuring-lock.ts';
import { findFreePort } from './util/ports.ts';
import { databaseProbes } from './verify/probes.ts';
import { verifyCell } from './verify/verify.ts';
import type { WarningCode } from './warnings.ts';

const TOOL_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface RunInputs {
  config: RunConfig;
  apps: Map<string, AppDefinition>;
  scenarios: Scenario[];
  /** Receives every run event; `log` is the older form (classic progress lines). */
  observer?: RunObserver | undefined;
  log?: ((line: string) => void) | undefined;
  /** The harness's git commit, read by the CLI; recorded as tool.commit. */
  commit?: string | undefined;
  /** False (--no-wait): refuse, instead of waiting, when another run is measuring on this machine. */
  wait?: boolean | undefined;
}

/**
 * The real run: the pipeline wired to real processes, databases and files. Whatever happens,
 * apps, containers and the database are stopped and what was measured is on disk with a
 * final status. Throws only when the run could not go on (a dead database: DATABASE).
 */
export async function executeRun({ config, apps, scenarios, observer, log, commit, wait = true }: RunInputs): Promise<Results> {
  const observe = observer ?? logObserver(log ?? (() => undefined));
  const recorder = new Recorder(fileStorage(config.out), observe, (doc) => analysisRecord(analyze(doc)));
  const report = async (results: Results) => {
    await writeReports(config.out, results);
  };
  // On Ctrl-C the cleanup registry writes the final state (the recorder seals it, so the unwinding run cannot overwrite it).
  const unregister = onCleanup('save results', async () => {
    if (!recorder.started) return;
    await recorder.finish('interrupted', new Date());
    await report(recorder.results);
  });
  try {
    return await runPipeline({
      config,
      apps,
      scenarios,
      recorder,
      provision: () => provisionRig(config, pythonNeed(apps.values()), (line) => observe({ type: 'log', line }), commit),
      report,
      interrupted: wasInterrupted,
      now: () => new Date(),
      cpuTimes: () => readCpuTimes(),
      speed: () => probeSpeed(),
      measuringLock: () => measuringLock(config.out, wait, observe),
      busyMachine: (rig) => busyMachineDetail(rig),
    });
  } finally {
    unregister();
  }
}

/** The machine-wide measuring lock (docs/faults.md, "One run measures at a time"); the wait is told to the observer, and not counted as the run's time. */
async function measuringLock(out: string, wait: boolean, observe: RunObserver): Promise<{ release: () => void; waitedS: number }> {
  let waitingSince: number | undefined;
  const lock = await takeMeasuringLock({
    out,
    wait,
    onWait: (holder) => {
      waitingSince = performance.now();
      observe({ type: 'waiting', line: waitingLine(holder, process.cwd()) });
    },
  });
  const waitedS = waitingSince === undefined ? 0 : (performance.now() - waitingSince) / 1000;
  if (waitingSince !== undefined) observe({ type: 'waited', waitedS });
  return { release: () => lock.release(), waitedS };
}

/** Runtime, database, load generators, ceiling probes and verification for this machine and configuration. */
async function provisionRig(config: RunConfig, need: PythonNeed, log: (line: string) => void, commit: string | undefined): Promise<Rig> {
  const pinned = await hasTaskset();
  const appHostSpec = parseAppHost(config.appHost);
  const layout = planCpuLayout(await allowedCpus());
  const chosen = await chooseRuntime(config, pinned, log, need);
  log(`runtime: ${chosen.kind} (${chosen.reason})`);
  const runId = path.basename(config.out);
  const db = await provisionDatabase(config, layout, runId);
  log(`database: ${db.database.kind} at ${redactUrl(db.database.url)}${db.seeded ? ' (world seeded)' : ''}`);
  if (config.synchronousCommit) {
    await applySynchronousCommit(db.database, config.synchronousCommit).catch(async (error: unknown) => {
      await db.database.stop();
      throw error;
    });
    log(`database: synchronous_commit = ${config.synchronousCommit}`);
  }
  const paths = await openDatabasePaths({ databaseUrl: db.database.url, rttsMs: rttsOf(config), cpus: layout.dbCpus, runId }).catch(async (error: unknown) => {
    await db.database.stop();
    throw error;
  });
  if (paths.method !== 'none') log(`network: ${describeNetwork(paths.record)}`);
  // --app-host: where the apps bind and how they reach the database from there (docs/network.md).
  const databaseUrls = rttsOf(config).map((rtt) => (rtt > 0 ? paths.urlFor(rtt) : db.database.url));
  const appHost = await openAppHost(appHostSpec, {
    runId,
    databaseUrls,
    dbCpus: layout.dbCpus,
    runtime: chosen.kind,
    appCpuCount: layout.appCpus.length,
    engineCpuCount: chosen.engineCpuCount,
  }).catch(async (error: unknown) => {
    await paths.stop();
    await db.database.stop();
    throw error;
  });
  if (appHost.netns) log(`apps: in network namespace ${appHost.netns} at ${appHost.host}, database through ${appHost.topology.database.via}`);
  const engineCpus = engineCpusNote(appHost.topology, chosen.engineCpuCount, layout.appCpus.length);
  if (engineCpus) log(`apps: ${engineCpus.line}`);
  // The app host and the path go before the database they lead to, on every exit (the pipeline stops the database last).
  const database: Database = {
    ...db.database,
    stop: async () => {
      await appHost.stop();
      await paths.stop();
      await db.database.stop();
    },
  };
  log(`writing to ${config.out}`);
  const warnings: { code: WarningCode; detail?: string }[] = [
    ...(layout.shared ? [{ code: 'SHARED_CORES' as const, detail: layout.note }] : []),
    ...(engineCpus?.fewer ? [{ code: 'ENGINE_CORES' as const, detail: engineCpus.line }] : []),
  ];
  try {
    const pgbench = await findPgbench();
    if (!pgbench) warnings.push({ code: 'NO_PGBENCH' });
    const setup = { layout, pin: pinned, warmupS: config.warmupS, durationS: config.durationS };
    // One autocannon process for the whole run: a fresh one per load run cost about 0.5 s (docs/schedule.md).
    const loadGenerator = autocannonGenerator(pinned, { persistent: true, cpus: layout.loadgenCpus });
    const probes = await databaseProbes(database.url);
    // App-wide checks (the connection burst, the pg_sleep probe) run once per start of an app.
    const passedOnce = new Set<string>();
    const results: Results = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: 'crossover-bench', version: TOOL_VERSION, commit },
      runId,
      status: 'running',
      startedAt: new Date().toISOString(),
      // --db may carry a password: results.json gets published.
      config: { ...config, db: redactUrl(config.db) },
      machine: await describeMachine(),
      cpuLayout: { ...layout, pinned },
      runtime: { kind: chosen.kind, reason: chosen.reason, baseImage: chosen.baseImage },
      database: { kind: db.database.kind, url: redactUrl(db.database.url), version: db.version, seeded: db.seeded, image: db.image },
      python: chosen.python ? { path: chosen.python.path, version: chosen.python.version } : undefined,
      network: paths.record,
      topology: appHost.topology,
      apps: {},
      ceilings: [],
      warnings: [],
      cells: [],
    };
    return {
      layout,
      pinned,
      runtime: onAppHost(chosen.runtime, appHost),
      database,
      databaseFor: paths.urlFor,
      networkPids: [...paths.pids, ...appHost.pids],
      watchNeighbours: neighbourWatchFor({ database, networkPids: [...paths.pids, ...appHost.pids] }),
      loadGenerator,
      // Open-loop cells (docs/open-loop.md) exist only when the run has rates.
      openLoop: config.openLoop ? openLoopGenerator({ pin: pinned }) : undefined,
      crossCheck: config.crossCheck ? wrkGenerator(pinned) : undefined,
      ceilings: {
        loadgen: loadgenCeilingProbe(loadGenerator, setup),
        database: pgbench ? pgbenchCeilingProbe(pgbench, setup) : nodePostgresCeilingProbe(setup),
        openLoop: config.openLoop ? openLoopCeilingProbe(layout, pinned) : undefined,
        commitLatency: pgbench ? (url) => measureCommitLatency(pgbench, url, { cpus: layout.appCpus, pin: pinned }) : undefined,
      },
      verify: (baseUrl, plan) =>
        verifyCell(baseUrl, plan, probes, { connectionCap: config.connectionCap, passedOnce, appConnectionName: appConnectionName(plan.framework) }),
      // Every 100 ms: 10 small queries a second beside thousands of requests; verification's burst samples every 25 ms.
      sampleConnections: (url, name) => startActivitySampler(url, 100, name),
      ready: (app) => waitUntilReady(app),
      findPort: findFreePort,
      results,
      warnings,
      onPrepared: () => (pinned ? pinSelf(layout.loadgenCpus) : Promise.resolve()),
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** Keeps the harness itself (sampling, bookkeeping) off the app's cores. */
async function pinSelf(cpus: number[]): Promise<void> {
  await execa('taskset', ['-a', '-cp', cpus.join(','), String(process.pid)], { reject: false });
}

/** What a remote engine's pinning is, for the log, and whether its machine had fewer cores than the layout gave the app. */
function engineCpusNote(topology: Topology, engineCpuCount: number | undefined, appCpuCount: number): { line: string; fewer: boolean } | undefined {
  const cpus = topology.app.cpus;
  if (!topology.app.engine || !cpus || engineCpuCount === undefined) return undefined;
  const database = topology.database.via ? `, database through ${topology.database.via}` : '';
  return {
    line: `on Docker engine ${topology.app.engine} (${engineCpuCount} CPUs there), pinned to its core ${cpus.join(',')}; this machine's layout gives the app ${appCpuCount} core(s)${database}`,
    fewer: engineCpuCount < appCpuCount,
  };
}
