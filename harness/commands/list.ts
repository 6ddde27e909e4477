import { groupedByBase } from '../apps/catalog.ts';
import { type AppManifest, describeStack } from '../apps/manifest.ts';
import { PROFILES } from '../config/profiles.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import { loadApps, loadCatalog } from './common.ts';

export type ListedApp = Pick<AppManifest, 'displayName' | 'server' | 'model' | 'dataAccess'>;

/**
 * One line per app: each base app, then its variants indented under it, each with its stack
 * (server, driver or ORM). A variant runs only when named, or with `<base>+`.
 */
export function frameworkLines(apps: ReadonlyMap<string, ListedApp>, variantOf: Readonly<Record<string, string>>): string[] {
  const rows = groupedByBase([...apps.keys()], variantOf);
  const width = Math.max(12, ...rows.map((r) => r.name.length + (r.base ? 2 : 0)));
  return rows.map(({ name, base }) => {
    const app = apps.get(name)!;
    const label = base ? `  ${name}` : name;
    const what = `${app.displayName} (${app.model}; ${describeStack(app)})`;
    return `  ${label.padEnd(width)} ${base ? `variant of ${base}: ${what}` : what}`;
  });
}

/** Pure: what a scenario line adds beyond its description: the profiles that take it, its pipelining. */
export function scenarioNote(s: Pick<Scenario, 'profiles' | 'pipelining'>): string {
  const parts = [
    ...(s.profiles ? [`profiles ${s.profiles.join(', ')} (others: only when --scenarios names it)`] : []),
    ...(s.pipelining !== undefined && s.pipelining > 1 ? [`pipelining ${s.pipelining}`] : []),
  ];
  return parts.length > 0 ? ` [${parts.join('; ')}]` : '';
}

export async function listCommand(): Promise<void> {
  const catalog = await loadCatalog();
  const apps = await loadApps(catalog.appNames);
  const variants = Object.keys(catalog.variantOf).length;
  const lines = [`frameworks${variants > 0 ? ' (a run takes the base apps; name a variant, or <base>+ for a base app and its variants)' : ''}:`];
  lines.push(...frameworkLines(apps, catalog.variantOf));
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
