import { waitForIdleBackends } from '../db/busy-backends.ts';
import type { CellPlan } from '../plan.ts';
import { appConnectionName, type RunningApp } from '../runtime/types.ts';
import { usesDatabase } from '../scenarios/scenario.ts';
import type { RunContext } from './context.ts';
import { sampleTargets } from './measure.ts';
import { settle, settleLimitMs } from './settle.ts';

/**
 * Waits until `app` has finished the work a load run left it, before the next step touches the
 * app or the database: its CPU quiet (settle.ts), then, for a database cell, none of its
 * database backends busy. A threaded server goes on serving the requests it had taken when the
 * load generator closed its connections; a request blocked on a row lock or a slow query costs
 * no CPU and still writes, reads and holds locks.
 *
 * Without this wait a standard run failed 12 of 90 cells at verification on the restart
 * schedule: the verification of the next cell counted the previous window's leftover hot-rows
 * increments ("the counters rose by 8 for one request") and big-result queries ("7 responses
 * took 23 queries") as its own. The p99 of the app's last window sets the limit
 * (settleLimitMs: twice it, 2 to 30 s; 2 s before its first window).
 */
export async function quiet(ctx: RunContext, app: RunningApp, plan: CellPlan): Promise<void> {
  const limitMs = settleLimitMs(ctx.lastWindowP99.get(plan.framework));
  const started = performance.now();
  await settle(sampleTargets(ctx, app)[0]!.read, undefined, undefined, limitMs).catch(() => undefined);
  // Only where the harness samples the database (a real run): fakes have no database to ask.
  if (!ctx.sampleConnections || !usesDatabase(plan.kind)) return;
  const left = Math.max(0, limitMs - (performance.now() - started));
  await waitForIdleBackends(ctx.database.url, appConnectionName(plan.framework), left);
}
