import type { AppDefinition } from '../apps/manifest.ts';
import { fillPlaceholders, type WorkerSettings, workerSettings } from '../apps/workers.ts';
import { errorLine } from '../errors.ts';
import type { AppRecord } from '../results/schema.ts';
import type { PreparedApp } from '../runtime/types.ts';
import { normalizePackageName } from '../util/freeze.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells } from './failure.ts';
import { cellsOf } from './run-plan.ts';

/** Builds (or reuses) every app's environment; an app that cannot be prepared fails all its cells at `prepare`. */
export async function prepareApps(ctx: RunContext): Promise<void> {
  ctx.recorder.emit({ type: 'stage', stage: 'prepare' });
  for (const name of ctx.config.frameworks) {
    if (stopping(ctx)) return;
    const app = ctx.apps.get(name)!;
    try {
      const prepared = await ctx.runtime.prepare(app, (line) => ctx.recorder.log(line));
      ctx.prepared.set(name, prepared);
      await ctx.recorder.setApp(name, appRecord(app, prepared, settingsFor(ctx, app)));
      ctx.recorder.log(`${name}: ${prepared.cached ? 'environment cached' : `environment built in ${prepared.prepareS.toFixed(0)} s`}`);
    } catch (error) {
      ctx.prepared.set(name, error as Error);
      await failCells(ctx, cellsOf(ctx.plan, name), 'prepare', new Error(`preparing ${name} failed: ${errorLine(error)}`));
    }
  }
  if (!stopping(ctx)) await ctx.onPrepared?.();
}

export function settingsFor(ctx: Pick<RunContext, 'layout' | 'config'>, app: Pick<AppDefinition, 'server' | 'concurrencyLimit'>): WorkerSettings {
  return workerSettings(app, ctx.layout.appCpus.length, ctx.config.connectionCap);
}

/** Pure: what the results record about a prepared app. */
export function appRecord(app: AppDefinition, p: PreparedApp, settings: WorkerSettings): AppRecord {
  const keyPackages: Record<string, string> = {};
  for (const name of app.packages) keyPackages[name] = p.packages[normalizePackageName(name)] ?? 'not installed';
  return {
    displayName: app.displayName,
    server: app.server,
    model: app.model,
    settings,
    command: app.command.map((part) => fillPlaceholders(part, settings)),
    pythonVersion: p.pythonVersion,
    keyPackages,
    packages: p.packages,
    imageId: p.imageId,
    baseImage: p.baseImage,
    prepareS: p.prepareS,
    cached: p.cached,
    dataAccess: app.dataAccess,
  };
}
