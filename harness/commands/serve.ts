import type { AppDefinition } from '../apps/manifest.ts';
import { workerSettings } from '../apps/workers.ts';
import { onCleanup, wasInterrupted } from '../cleanup.ts';
import { DEFAULT_CONNECTION_CAP } from '../config/options.ts';
import type { CpuLayout } from '../cpu/layout.ts';
import { allowedCpus, planCpuLayout } from '../cpu/layout.ts';
import { provisionDatabase } from '../db/provision.ts';
import { redactUrl } from '../db/seed.ts';
import type { Database } from '../db/types.ts';
import { BenchError, errorLine } from '../errors.ts';
import { pythonNeed } from '../python/discover.ts';
import { chooseRuntime, hasTaskset } from '../runtime/choose.ts';
import { waitUntilReady } from '../runtime/ready.ts';
import type { Runtime } from '../runtime/types.ts';
import { requireFreePort } from '../util/ports.ts';
import { verifyCell } from '../verify/verify.ts';
import { loadApps, log } from './common.ts';

interface ServeFlags {
  port: string;
  runtime: 'local' | 'docker' | 'auto';
  db: string;
  python?: string;
  baseImage?: string;
  dbImage?: string;
}

/** One app and its database, up until Ctrl-C, so users can poke at it. */
export async function serveCommand(framework: string, flags: ServeFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new BenchError('USAGE', `--port must be a port number (got '${flags.port}')`);
  const app = (await loadApps([framework])).get(framework)!;
  await requireFreePort(port, `serve ${framework}`);
  const layout = planCpuLayout(await allowedCpus());
  const pinned = await hasTaskset();
  const chosen = await chooseRuntime({ runtime: flags.runtime, python: flags.python, baseImage: flags.baseImage }, pinned, log, pythonNeed([app]));
  log(`runtime: ${chosen.kind} (${chosen.reason})`);
  const db = await provisionDatabase({ db: flags.db, dbImage: flags.dbImage }, layout, `serve-${process.pid}`);
  const unregisterDb = onCleanup('serve: database', () => db.database.stop());
  const unregisterApp = onCleanup('serve: app', () => chosen.runtime.close());
  try {
    await serveUntilExit(app, port, chosen.runtime, db.database, layout);
  } finally {
    unregisterApp();
    unregisterDb();
    await chosen.runtime.close().catch((e) => log(`warning: stopping the app failed: ${errorLine(e)}`));
    await db.database.stop().catch((e) => log(`warning: stopping the database failed: ${errorLine(e)}`));
  }
}

async function serveUntilExit(app: AppDefinition, port: number, runtime: Runtime, database: Database, layout: CpuLayout): Promise<void> {
  const framework = app.name;
  const prepared = await runtime.prepare(app, log);
  const settings = workerSettings(app, layout.appCpus.length, DEFAULT_CONNECTION_CAP);
  const running = await runtime.start({ prepared, port, settings, databaseUrl: database.url, cpus: layout.appCpus, runId: `serve-${process.pid}` });
  try {
    await waitUntilReady(running);
  } catch (error) {
    const lines = await running.lastLogLines(10);
    throw new BenchError('APP_START', `${framework} did not come up: ${errorLine(error)}${lines.length ? `; last log lines: ${lines.join(' | ')}` : ''}`);
  }
  for (const kind of ['json', 'db'] as const) {
    const v = await verifyCell(running.baseUrl, { kind, path: `/${kind}` });
    log(`verify /${kind}: ${v.ok ? 'ok' : v.problems.join('; ')}`);
  }
  log(`database: ${redactUrl(database.url)}`);
  process.stdout.write(
    `${app.displayName} is serving on ${running.baseUrl}: /plaintext /json /db /fortunes /queries?queries=20 /updates?queries=20 /slow-db?ms=10 /db-cpu?work=10000 /big-result?rows=100 /hot-rows?k=10. Ctrl-C stops it and the database.\n`,
  );
  const exit = await running.exited;
  if (wasInterrupted()) return;
  throw new BenchError('APP_START', `${framework} exited (${exit.code ?? exit.signal}): ${(await running.lastLogLines(10)).join(' | ')}`);
}
