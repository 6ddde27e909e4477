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
    lines.push(
      `  ${name.padEnd(12)} ${p.warmupS} s warm-up, ${p.durationS} s measured, ${p.repeat} repeat(s), connections ${p.connections.join('/')}, slow-db at ${p.slowDbMs.join('/')} ms${p.boundTiming ? ` (from ${p.boundTiming.fromMs} ms: ${p.boundTiming.warmupS} s + ${p.boundTiming.durationS} s)` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
