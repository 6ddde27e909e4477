import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { AppDefinition } from './apps/manifest.ts';
import { onCleanup, wasInterrupted } from './cleanup.ts';
import type { RunConfig } from './config/options.ts';
import { allowedCpus, planCpuLayout } from './cpu/layout.ts';
import { errorLine } from './errors.ts';
import { describeMachine } from './machine.ts';
import { runBenchmark } from './orchestrator.ts';
import { REPO_ROOT } from './paths.ts';
import { chooseRuntime, databaseProbes, hasTaskset, provisionDatabase, redactUrl } from './provision.ts';
import { writeReports } from './report/write.ts';
import { RESULTS_SCHEMA_VERSION, type Results } from './results/schema.ts';
import { saveResults } from './results/store.ts';
import type { Scenario } from './scenarios/scenario.ts';

const TOOL_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface RunInputs {
  config: RunConfig;
  apps: Map<string, AppDefinition>;
  scenarios: Scenario[];
  log: (line: string) => void;
  /** The harness's git commit, read by the CLI; recorded as tool.commit. */
  commit?: string | undefined;
}

/**
 * provision (runtime, database) -> measure every cell -> write results and reports.
 * Whatever happens, the app, the database and the containers are stopped, and what was
 * measured is on disk. Returns the results; throws only when the run could not go on.
 */
export async function executeRun({ config, apps, scenarios, log, commit }: RunInputs): Promise<Results> {
  const pinned = await hasTaskset();
  const layout = planCpuLayout(await allowedCpus());
  const chosen = await chooseRuntime(config, pinned, log);
  log(`runtime: ${chosen.kind} (${chosen.reason})`);
  const runId = path.basename(config.out);
  const db = await provisionDatabase(config, layout, runId);
  log(`database: ${db.database.kind} at ${redactUrl(db.database.url)}${db.seeded ? ' (world seeded)' : ''}`);
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
    apps: {},
    ceilings: [],
    warnings: layout.shared ? [{ code: 'SHARED_CORES', message: layout.note, hint: 'on 4+ cores each role gets its own' }] : [],
    cells: [],
  };
  const finish = async (status: Results['status']) => {
    results.status = status;
    results.finishedAt = new Date().toISOString();
    await saveResults(config.out, results);
    await writeReports(config.out, results);
  };
  // On Ctrl-C the cleanup registry runs this after the app and database are stopped (newest first).
  const unregisterFinish = onCleanup('save results', () => finish('interrupted'));
  let failure: unknown;
  try {
    await saveResults(config.out, results);
    log(`writing to ${config.out}`);
    await runBenchmark({
      config,
      apps,
      scenarios,
      layout,
      pinned,
      runtime: chosen.runtime,
      database: db.database,
      probes: await databaseProbes(db.database.url),
      log,
      results,
      now: () => new Date(),
      onPrepared: () => (pinned ? pinSelf(layout.loadgenCpus) : Promise.resolve()),
    });
  } catch (error) {
    failure = error;
  } finally {
    unregisterFinish();
    await chosen.runtime.close().catch((e) => log(`warning: stopping apps failed: ${errorLine(e)}`));
    await db.database.stop().catch((e) => log(`warning: stopping the database failed: ${errorLine(e)}`));
  }
  if (wasInterrupted()) return results;
  try {
    await finish(failure ? 'failed' : 'complete');
  } catch (error) {
    // The run's own failure is the one to report; a failed final write is secondary.
    if (failure) log(`warning: writing the final results failed: ${errorLine(error)}`);
    else throw error;
  }
  if (failure) throw failure;
  return results;
}

/** Keeps the harness itself (sampling, bookkeeping) off the app's cores. */
async function pinSelf(cpus: number[]): Promise<void> {
  await execa('taskset', ['-a', '-cp', cpus.join(','), String(process.pid)], { reject: false });
}
