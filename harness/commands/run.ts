import path from 'node:path';
import { wasInterrupted } from '../cleanup.ts';
import { resolveRunConfig, type RunFlags } from '../config/options.ts';
import { BenchError } from '../errors.ts';
import { printReport } from '../report/write.ts';
import { notOkSummary } from '../results/recorder.ts';
import { executeRun } from '../run.ts';
import { loadApps, loadCatalog, log } from './common.ts';

/** config -> plan -> provision -> measure -> report; exits non-zero when a cell failed. */
export async function runCommand(flags: RunFlags): Promise<void> {
  const catalog = await loadCatalog();
  const config = resolveRunConfig(flags, { frameworks: catalog.appNames, scenarios: catalog.scenarios.map((s) => s.name) }, new Date());
  const apps = await loadApps(config.frameworks);
  const results = await executeRun({ config, apps, scenarios: catalog.scenarios, log });
  if (wasInterrupted()) return;
  printReport(results);
  log(`results: ${path.join(config.out, 'results.json')} (tables in results.md)`);
  // Exit 0 only when every planned cell was verified and measured cleanly.
  const notOk = notOkSummary(results.cells);
  if (notOk) throw new BenchError('APP_START', notOk, { hint: `reasons are in ${path.join(config.out, 'results.md')}` });
}
