import { defaultFrameworks, groupedByBase } from '../apps/catalog.ts';
import { type AppManifest, describeStack } from '../apps/manifest.ts';
import { PROFILES } from '../config/profiles.ts';
import { type Scenario, sweepParamOf } from '../scenarios/scenario.ts';
import { loadApps, loadCatalog } from './common.ts';

export type ListedApp = Pick<AppManifest, 'displayName' | 'server' | 'model' | 'dataAccess'>;

/**
 * One line per app: each base app, then its variants indented under it, each with its stack
 * (server, driver or ORM). A variant runs only when named, with `<base>+`, or in a profile that
 * takes every app; a base app outside the quick run (`outsideQuick`) says so.
 */
export function frameworkLines(
  apps: ReadonlyMap<string, ListedApp>,
  variantOf: Readonly<Record<string, string>>,
  outsideQuick: readonly string[] = [],
): string[] {
  const rows = groupedByBase([...apps.keys()], variantOf);
  const width = Math.max(12, ...rows.map((r) => r.name.length + (r.base ? 2 : 0)));
  return rows.map(({ name, base }) => {
    const app = apps.get(name)!;
    const label = base ? `  ${name}` : name;
    const what = `${app.displayName} (${app.model}; ${describeStack(app)})${outsideQuick.includes(name) ? ' [not in the quick run]' : ''}`;
    return `  ${label.padEnd(width)} ${base ? `variant of ${base}: ${what}` : what}`;
  });
}

/** Pure: what a scenario line adds beyond its description: the profiles that take it, its pipelining. */
export function scenarioNote(s: Scenario): string {
  const swept = 'sweep' in s && s.sweep ? s.sweep : undefined;
  const parts = [
    ...(swept ? [`sweeps ${sweepParamOf(s.kind)} ${swept.join('/')}`] : []),
    ...(s.profiles ? [`profiles ${s.profiles.join(', ')} (others: only when --scenarios names it)`] : []),
    ...(s.pipelining !== undefined && s.pipelining > 1 ? [`pipelining ${s.pipelining}`] : []),
  ];
  return parts.length > 0 ? ` [${parts.join('; ')}]` : '';
}

/** The heading over the apps: which of them a run takes without --frameworks, per profile. */
export function frameworksHeading(names: readonly string[], variantOf: Readonly<Record<string, string>>, outsideQuick: readonly string[]): string {
  const quick = defaultFrameworks(names, variantOf, { apps: 'quick', outsideQuick });
  if (quick.length === names.length) return 'frameworks:';
  const all = Object.entries(PROFILES)
    .filter(([, p]) => p.apps === 'all')
    .map(([n]) => n);
  return `frameworks (without --frameworks, the quick profile runs ${quick.join(', ')}; ${all.join(' and ')} run every app listed; name an app, or <base>+ for a base app and its variants):`;
}

export async function listCommand(): Promise<void> {
  const catalog = await loadCatalog();
  const apps = await loadApps(catalog.appNames);
  const lines = [frameworksHeading(catalog.appNames, catalog.variantOf, catalog.outsideQuick)];
  lines.push(...frameworkLines(apps, catalog.variantOf, catalog.outsideQuick));
  lines.push('scenarios:');
  for (const s of catalog.scenarios) lines.push(`  ${s.name.padEnd(12)} ${s.description}${scenarioNote(s)}`);
  lines.push('profiles:');
  for (const [name, p] of Object.entries(PROFILES)) {
    const w = p.window;
    const bound = w.bound ? `, from ${w.bound.fromMs} ms ${w.bound.warmupS} s + ${w.bound.durationS} s` : '';
    lines.push(
      `  ${name.padEnd(12)} side by side: windows of ${w.warmupS} s ramp + ${w.durationS} s${bound}, rounds until ±${p.stopping.targetHalfWidth * 100}% or ${p.stopping.budgetS} s; connections ${p.connections.join('/')}, slow-db at ${p.slowDbMs.join('/')} ms`,
      `  ${''.padEnd(12)} restart (and the ceilings, open loop): ${p.warmupS} s warm-up, ${p.durationS} s measured, ${p.repeat} repeat(s)${p.boundTiming ? ` (from ${p.boundTiming.fromMs} ms: ${p.boundTiming.warmupS} s + ${p.boundTiming.durationS} s)` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
