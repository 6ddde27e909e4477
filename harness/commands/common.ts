import { loadApp, listAppNames, type AppDefinition } from '../apps/manifest.ts';
import { APPS_DIR, SCENARIOS_DIR } from '../paths.ts';
import { loadScenarios, type Scenario } from '../scenarios/scenario.ts';
import { BenchError } from '../errors.ts';

/** Progress goes to stderr so stdout carries only reports. */
export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function loadCatalog(): Promise<{ appNames: string[]; scenarios: Scenario[] }> {
  return { appNames: await listAppNames(APPS_DIR), scenarios: await loadScenarios(SCENARIOS_DIR) };
}

export async function loadApps(names: string[]): Promise<Map<string, AppDefinition>> {
  const known = await listAppNames(APPS_DIR);
  const apps = new Map<string, AppDefinition>();
  for (const name of names) {
    if (!known.includes(name)) throw new BenchError('USAGE', `unknown framework '${name}'`, { hint: `choose from: ${known.join(', ')}` });
    apps.set(name, await loadApp(APPS_DIR, name));
  }
  return apps;
}
