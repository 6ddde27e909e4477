import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadApp } from '../../harness/apps/manifest.ts';
import { type RunFlags, resolveRunConfig } from '../../harness/config/options.ts';
import { eventLine, type RunEvent } from '../../harness/events.ts';
import { APPS_DIR, SCENARIOS_DIR } from '../../harness/paths.ts';
import { interpreterAxis } from '../../harness/python/interpreters.ts';
import type { Results } from '../../harness/results/schema.ts';
import { executeRun } from '../../harness/run.ts';
import { loadScenarios, type Scenario, scenarioProfiles } from '../../harness/scenarios/scenario.ts';

/** Test fixture apps: deliberately broken or cheating ones. */
export const FIXTURE_APPS = path.join(import.meta.dirname, '..', 'fixtures', 'apps');

/**
 * The runs' output folders: the run keeps its results, as it must, and the test reads them;
 * the folders are the tests', removed when the test file's process ends (each file runs in a
 * process of its own).
 */
const outFolders = new Set<string>();
process.once('exit', () => {
  for (const dir of outFolders) rmSync(dir, { recursive: true, force: true });
});

/**
 * A real run (runtime, database, verification, autocannon) of `frameworks` from `appsDir`,
 * into a fresh temp folder. Flags are those of `crossover run`. `onEvent` sees every run
 * event as it happens (the returned `events` only after the run).
 */
export async function runApps(
  frameworks: string[],
  flags: RunFlags,
  appsDir = APPS_DIR,
  onEvent?: (event: RunEvent) => void,
  /** Changes the shipped scenarios for this run (a shorter sweep, say). */
  editScenarios: (scenarios: Scenario[]) => Scenario[] = (s) => s,
): Promise<{ out: string; results: Results; log: string[]; events: RunEvent[] }> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'crossover-test-'));
  outFolders.add(out);
  const scenarios = editScenarios(await loadScenarios(SCENARIOS_DIR));
  const resolved = resolveRunConfig(
    { ...flags, frameworks: frameworks.join(','), out },
    { frameworks, scenarios: scenarios.map((s) => s.name), scenarioProfiles: scenarioProfiles(scenarios) },
    new Date(),
  );
  const loaded = new Map(await Promise.all(frameworks.map(async (name) => [name, await loadApp(appsDir, name)] as const)));
  const log: string[] = [];
  // --python a,b: every app once per interpreter, as `crossover run` does.
  const { config, apps } = await interpreterAxis(flags.python, resolved, loaded, (line) => log.push(line));
  const events: RunEvent[] = [];
  const observer = (event: RunEvent) => {
    events.push(event);
    onEvent?.(event);
    const line = eventLine(event);
    if (line !== undefined) log.push(line);
  };
  const results = await executeRun({ config, apps, scenarios, observer });
  return { out, results, log, events };
}
