import { analyze } from '../analysis/analyze.ts';
import { outsideQuickRun, variantMap } from '../apps/catalog.ts';
import { type AppDefinition, listAppNames, loadApp } from '../apps/manifest.ts';
import { BenchError } from '../errors.ts';
import type { OutputMode } from '../output/mode.ts';
import { runSummary } from '../output/summary.ts';
import { APPS_DIR, SCENARIOS_DIR } from '../paths.ts';
import { trackedCells } from '../report/exporters/tracked.ts';
import { type FrameworkOrder, terminalReport } from '../report/report.ts';
import { leftOutLines } from '../report/write.ts';
import type { Results } from '../results/schema.ts';
import { loadScenarios, type Scenario } from '../scenarios/scenario.ts';

/** Progress goes to stderr so stdout carries only reports. */
export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The folder of app folders: apps/, or CROSSOVER_APPS_DIR. The fault tests point it at
 * tests/fixtures/apps to run a deliberately unfair app through the real CLI (docs/faults.md).
 */
function appsDir(): string {
  return process.env.CROSSOVER_APPS_DIR || APPS_DIR;
}

/**
 * Every app (base apps and variants), each variant's base (`variantOf`), the base apps the quick
 * run leaves out (`outsideQuick`), and the scenarios.
 */
export async function loadCatalog(): Promise<{ appNames: string[]; variantOf: Record<string, string>; outsideQuick: string[]; scenarios: Scenario[] }> {
  const dir = appsDir();
  const appNames = await listAppNames(dir);
  const manifests = await Promise.all(appNames.map((name) => loadApp(dir, name)));
  return { appNames, variantOf: variantMap(manifests), outsideQuick: outsideQuickRun(manifests), scenarios: await loadScenarios(SCENARIOS_DIR) };
}

export async function loadApps(names: string[]): Promise<Map<string, AppDefinition>> {
  const dir = appsDir();
  const known = await listAppNames(dir);
  const apps = new Map<string, AppDefinition>();
  for (const name of names) {
    if (!known.includes(name)) throw new BenchError('USAGE', `unknown framework '${name}'`, { hint: `choose from: ${known.join(', ')}` });
    apps.set(name, await loadApp(dir, name));
  }
  return apps;
}

/**
 * Prints a run's tables (stdout, or stderr with --json), the JSON summary (stdout, --json)
 * and the cells the tracking exports leave out (stderr, unless --quiet).
 */
export function showResults(results: Results, outDir: string, mode: OutputMode, order: FrameworkOrder): void {
  const analysis = analyze(results);
  const tables = terminalReport(results, analysis, { width: mode.width, verbose: mode.verbose, order });
  const { leftOut } = trackedCells(analysis);
  (mode.json ? process.stderr : process.stdout).write(tables);
  if (!mode.quiet) for (const line of leftOutLines(leftOut, mode.width)) log(line);
  if (mode.json) process.stdout.write(`${JSON.stringify(runSummary(results, analysis, outDir, leftOut))}\n`);
}
