import type { Database } from '../db/types.ts';
import type { RunningApp } from '../runtime/types.ts';
import { cgroupPidsSync, type NeighbourWatch, type OwnProcesses, watchNeighbours } from './neighbours.ts';
import { BUSY_MACHINE_MAX_CORE_SHARE, busyMachineWarning, QUIET_SAMPLE_MS } from './quiet.ts';

/** What a run started, as the neighbour tally must recognise it. */
export interface RunParts {
  database: Pick<Database, 'kind' | 'serverPid' | 'cgroupPath'>;
  /** The --db-rtt proxy and the --app-host relay. */
  networkPids?: number[] | undefined;
}

/**
 * The run's own processes: the harness's tree (its load generator, local apps and embedded
 * database are its children), the database's postmaster, the network helpers, the containers
 * of the database and of `app`; for a database given by URL, every process named `postgres`,
 * since the harness cannot tell that server from another PostgreSQL on this machine.
 */
export function ownProcesses(parts: RunParts, app?: RunningApp): () => OwnProcesses {
  const target = app?.resourceTarget;
  const roots = [process.pid, parts.database.serverPid, ...(parts.networkPids ?? []), target?.kind === 'process-tree' ? target.rootPid : undefined];
  const cgroups = [parts.database.cgroupPath, target?.kind === 'cgroup' ? target.path : undefined].filter((d): d is string => d !== undefined);
  const own = { roots: roots.filter((p): p is number => p !== undefined), comms: parts.database.kind === 'url' ? ['postgres'] : [] };
  return () => ({ ...own, pids: cgroupPidsSync(cgroups) });
}

/** Tallies other processes and steal while `app` is measured (pipeline/measure.ts). */
export function neighbourWatchFor(parts: RunParts): (app: RunningApp) => NeighbourWatch {
  return (app) => watchNeighbours(ownProcesses(parts, app));
}

/**
 * Other processes over QUIET_SAMPLE_MS once the run holds the measuring lock, with its database
 * up and its apps not yet started: the BUSY_MACHINE detail, or undefined on a quiet machine.
 */
export async function busyMachineDetail(parts: RunParts, durationMs = QUIET_SAMPLE_MS): Promise<string | undefined> {
  const watch = watchNeighbours(ownProcesses(parts));
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const seen = watch.stop();
  if (!seen) return undefined;
  const usage = { windowS: seen.windowS, cores: 1, otherCoreShare: seen.coreShare, top: seen.top };
  return busyMachineWarning(usage, BUSY_MACHINE_MAX_CORE_SHARE)?.message;
}
