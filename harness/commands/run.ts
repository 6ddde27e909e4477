import path from 'node:path';
import { wasInterrupted } from '../cleanup.ts';
import { resolveRunConfig, type RunFlags } from '../config/options.ts';
import { BenchError } from '../errors.ts';
import { printReport } from '../report/write.ts';
import { executeRun } from '../run.ts';
import { claimDefaultRunDir } from '../util/run-dir.ts';
import { loadApps, loadCatalog, log } from './common.ts';

/** config -> plan -> provision -> measure -> report; exits non-zero when a cell failed. */
export async function runCommand(flags: RunFlags): Promise<void> {
  const catalog = await loadCatalog();
  const resolved = resolveRunConfig(flags, { frameworks: catalog.appNames, scenarios: catalog.scenarios.map((s) => s.name) }, new Date());
  // Two runs started in the same second must not share the default folder (docs/faults.md).
  const config = flags.out === undefined ? { ...resolved, out: await claimDefaultRunDir(resolved.out) } : resolved;
  const apps = await loadApps(config.frameworks);
  const results = await executeRun({ config, apps, scenarios: catalog.scenarios, log });
  if (wasInterrupted()) return;
  printReport(results);
  log(`results: ${path.join(config.out, 'results.json')} (tables in results.md)`);
  const failed = results.cells.filter((c) => c.status === 'failed' || c.repeats.length === 0);
  if (failed.length > 0) {
    throw new BenchError('APP_START', `${failed.length} of ${results.cells.length} cells failed: ${failed.map((c) => c.id).join(', ')}`, {
      hint: `reasons are in ${path.join(config.out, 'results.md')}`,
    });
  }
}
