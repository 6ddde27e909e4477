import { PROFILES } from '../config/profiles.ts';
import { loadApps, loadCatalog } from './common.ts';

export async function listCommand(): Promise<void> {
  const catalog = await loadCatalog();
  const apps = await loadApps(catalog.appNames);
  const lines = ['frameworks:'];
  for (const app of apps.values()) lines.push(`  ${app.name.padEnd(12)} ${app.displayName} (${app.server}, ${app.model})`);
  lines.push('scenarios:');
  for (const s of catalog.scenarios) lines.push(`  ${s.name.padEnd(12)} ${s.description}`);
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
