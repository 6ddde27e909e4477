import path from 'node:path';
import { wasInterrupted } from '../cleanup.ts';
import { type RunFlags, resolveRunConfig } from '../config/options.ts';
import { BenchError } from '../errors.ts';
import type { OutputMode } from '../output/mode.ts';
import { planEvent } from '../output/plan-event.ts';
import { createProgress } from '../output/progress.ts';
import { checkOpenLoopScenarios } from '../plan-open-loop.ts';
import { interpreterAxis } from '../python/interpreters.ts';
import type { FrameworkOrder } from '../report/report.ts';
import { notOkSummary } from '../results/recorder.ts';
import type { Results } from '../results/schema.ts';
import { executeRun } from '../run.ts';
import { scenarioProfiles } from '../scenarios/scenario.ts';
import { busyError, measuringHolder } from '../util/measuring-lock.ts';
import { loadApps, loadCatalog, log, showResults } from './common.ts';
import { harnessCommit } from './git.ts';
import { claimOutDir } from './out-dir.ts';

/** `run`'s flags: the run's own, plus how to show the tables and whether to wait for another run that is measuring. */
export type RunCommandFlags = RunFlags & { sort?: FrameworkOrder; wait?: boolean };

/** config -> plan -> provision -> measure -> report; exits non-zero when a cell failed. */
export async function runCommand(flags: RunCommandFlags, mode: OutputMode): Promise<void> {
  const { sort = 'run', wait = true, ...runFlags } = flags;
  const catalog = await loadCatalog();
  const resolved = resolveRunConfig(
    runFlags,
    {
      frameworks: catalog.appNames,
      variantOf: catalog.variantOf,
      outsideQuick: catalog.outsideQuick,
      scenarios: catalog.scenarios.map((s) => s.name),
      scenarioProfiles: scenarioProfiles(catalog.scenarios),
    },
    new Date(),
  );
  checkOpenLoopScenarios(runFlags, resolved, catalog.scenarios);
  // --no-wait refuses before anything is created; a run that starts measuring meanwhile is refused when this one reaches the lock.
  const holder = wait ? undefined : measuringHolder();
  if (holder) throw busyError(holder, process.cwd());
  const loaded = await loadApps(resolved.frameworks);
  const { config: axis, apps } = await interpreterAxis(runFlags.python, resolved, loaded, log);
  // Usage errors end here, before any database, virtualenv or container starts. Two runs started in the same
  // second get two default folders; a folder the run creates and never writes into is gone when it exits (docs/faults.md).
  const config = { ...axis, out: await claimOutDir(resolved.out, runFlags.out !== undefined) };
  const progress = createProgress({ stream: process.stderr, now: Date.now, live: mode.live, quiet: mode.quiet });
  progress.observe(planEvent(config, catalog.scenarios));
  let results: Results;
  try {
    results = await executeRun({ config, apps, scenarios: catalog.scenarios, observer: progress.observe, commit: await harnessCommit(), wait });
  } finally {
    progress.close();
  }
  if (wasInterrupted()) return;
  showResults(results, config.out, mode, sort);
  if (!mode.quiet) log(`results: ${path.join(config.out, 'results.json')} (tables in results.md)`);
  // Exit 0 only when every planned cell was verified and measured cleanly.
  const notOk = notOkSummary(results.cells);
  if (notOk) throw new BenchError('APP_START', notOk, { hint: `reasons are in ${path.join(config.out, 'results.md')}` });
}
