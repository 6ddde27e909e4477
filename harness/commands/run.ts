import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { onCleanup, wasInterrupted } from '../cleanup.ts';
import { resolveRunConfig, type RunFlags } from '../config/options.ts';
import { planCpuLayout } from '../cpu/layout.ts';
import { BenchError, errorLine } from '../errors.ts';
import { describeMachine } from '../machine.ts';
import { runBenchmark } from '../orchestrator.ts';
import { chooseRuntime, hasTaskset, provisionDatabase, redactUrl, sleepProbeFor } from '../provision.ts';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/schema.ts';
import { saveResults } from '../results/store.ts';
import { printReport, writeReports } from '../report/write.ts';
import { REPO_ROOT } from '../paths.ts';
import { loadApps, loadCatalog, log } from './common.ts';
import { readFileSync } from 'node:fs';

const TOOL_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** config -> plan -> provision -> measure -> report. */
export async function runCommand(flags: RunFlags): Promise<void> {
  const catalog = await loadCatalog();
  const config = resolveRunConfig(flags, { frameworks: catalog.appNames, scenarios: catalog.scenarios.map((s) => s.name) }, new Date());
  const apps = await loadApps(config.frameworks);
  const pinned = await hasTaskset();
  const layout = planCpuLayout(os.availableParallelism());
  const chosen = await chooseRuntime(config, pinned, log);
  log(`runtime: ${chosen.kind} (${chosen.reason})`);
  const runId = path.basename(config.out);
  const db = await provisionDatabase(config, layout, runId);
  log(`database: ${db.database.kind} at ${redactUrl(db.database.url)}${db.seeded ? ' (world seeded)' : ''}`);
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'crossover-bench', version: TOOL_VERSION },
    runId,
    status: 'running',
    startedAt: new Date().toISOString(),
    config,
    machine: await describeMachine(),
    cpuLayout: { ...layout, pinned },
    runtime: { kind: chosen.kind, reason: chosen.reason },
    database: { kind: db.database.kind, url: redactUrl(db.database.url), version: db.version, seeded: db.seeded },
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
    printReport(results);
    log(`results: ${path.join(config.out, 'results.json')} (tables in results.md)`);
  };
  // On Ctrl-C the cleanup registry runs this after stopping the app (newest first), so what was measured is kept.
  const unregisterFinish = onCleanup('save results', () => finish('interrupted'));
  let failure: unknown;
  try {
    await saveResults(config.out, results);
    log(`writing to ${config.out}`);
    await runBenchmark({
      config,
      apps,
      scenarios: catalog.scenarios,
      layout,
      pinned,
      runtime: chosen.runtime,
      database: db.database,
      sleepProbe: sleepProbeFor(db.database.url),
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
  if (wasInterrupted()) return;
  await finish(failure ? 'failed' : 'complete');
  if (failure) throw failure;
  const failed = results.cells.filter((c) => c.status === 'failed' || c.repeats.length === 0);
  if (failed.length > 0) {
    throw new BenchError('APP_START', `${failed.length} of ${results.cells.length} cells failed: ${failed.map((c) => c.id).join(', ')}`, {
      hint: `reasons are in ${path.join(config.out, 'results.md')}`,
    });
  }
}

/** Keeps the harness itself (sampling, bookkeeping) off the app's cores. */
export async function pinSelf(cpus: number[]): Promise<void> {
  await execa('taskset', ['-a', '-cp', cpus.join(','), String(process.pid)], { reject: false });
}
