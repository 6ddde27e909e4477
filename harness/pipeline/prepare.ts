import type { AppDefinition } from '../apps/manifest.ts';
import { fillPlaceholders, type WorkerSettings, workerSettings } from '../apps/workers.ts';
import { errorLine } from '../errors.ts';
import type { AppRecord } from '../results/schema.ts';
import type { PreparedApp } from '../runtime/types.ts';
import { normalizePackageName } from '../util/freeze.ts';
import { mapBounded } from '../util/pool.ts';
import { type RunContext, stopping } from './context.ts';
import { failCells } from './failure.ts';
import { cellsOf } from './run-plan.ts';

/**
 * Environments prepared at once. A serial cold build of the six images kept about one of
 * the 2-core machine's cores busy: much of each build waits on dockerd (layer commits,
 * container starts) and on the wheel download. Three at a time kept both cores busy and
 * took 33-38 s, against 62 s serially and 39-41 s two at a time; more only queues for the
 * same two cores (docs/measured-facts.md#parallel-builds).
 */
export const PREPARE_CONCURRENCY = 3;

/**
 * Builds (or reuses) every app's environment, PREPARE_CONCURRENCY at a time; an app that
 * cannot be prepared fails all its cells at `prepare`, and the others are still prepared.
 */
export async function prepareApps(ctx: RunContext, concurrency = PREPARE_CONCURRENCY): Promise<void> {
  const names = ctx.config.frameworks;
  const detail = names.length > 1 ? `${names.length} apps, up to ${Math.min(concurrency, names.length)} at a time` : undefined;
  ctx.recorder.emit({ type: 'stage', stage: 'prepare', ...(detail ? { detail } : {}) });
  await mapBounded(
    names,
    concurrency,
    (name) => prepareOne(ctx, name),
    () => !stopping(ctx),
  );
  if (!stopping(ctx)) await ctx.onPrepared?.();
}

/** One app: its environment recorded, or its cells failed at `prepare`; never throws. */
async function prepareOne(ctx: RunContext, name: string): Promise<void> {
  const app = ctx.apps.get(name)!;
  // Builds run side by side: every line names its app.
  const log = (line: string) => ctx.recorder.log(line.startsWith(`${name}: `) ? line : `${name}: ${line.trim()}`);
  try {
    const prepared = await ctx.runtime.prepare(app, log);
    ctx.prepared.set(name, prepared);
    await ctx.recorder.setApp(name, appRecord(app, prepared, settingsFor(ctx, app)));
    log(prepared.cached ? 'environment cached' : `environment built in ${prepared.prepareS.toFixed(0)} s`);
  } catch (error) {
    ctx.prepared.set(name, error as Error);
    await failCells(ctx, cellsOf(ctx.plan, name), 'prepare', new Error(`preparing ${name} failed: ${errorLine(error)}`));
  }
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
    ...(app.variantOf === undefined ? {} : { variantOf: app.variantOf }),
    server: app.server,
    model: app.model,
    settings,
    command: app.command.map((part) => fillPlaceholders(part, settings)),
    pythonVersion: p.pythonVersion,
    ...(app.interpreterOf === undefined ? {} : { interpreterOf: app.interpreterOf }),
    ...(app.python?.freeThreaded ? { freeThreaded: true } : {}),
    keyPackages,
    packages: p.packages,
    imageId: p.imageId,
    baseImage: p.baseImage,
    prepareS: p.prepareS,
    cached: p.cached,
    dataAccess: app.dataAccess,
  };
}
