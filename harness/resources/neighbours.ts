import { readFileSync } from 'node:fs';
import type { Neighbours } from '../results/neighbours-schema.ts';
import { CLOCK_TICKS_PER_S, readPidStatsSync } from './proc.ts';
import { type ProcessTicks, withDescendants } from './quiet.ts';
import { parseCpuTimes } from './steal.ts';

/**
 * Other processes during a measured window: everything on the machine that is not the run's
 * own (the harness with its load generator, the app, the database, the delay proxy) and the
 * hypervisor's steal, tallied per window so that a neighbour is pinned to the cells it
 * disturbed. The flag rule is analysis/neighbours.ts; docs/measured-facts.md, "Other processes
 * during a measured window", has the measurements behind both.
 */

/**
 * Half a second between scans of /proc: a scan of the 93 processes of this project's VM, with the
 * tally, costs 0.7 ms of CPU once warm (docs/measured-facts.md), 0.13% of a core at two a second;
 * a process must live that long to be seen, and one that exits loses at most its last half second.
 */
export const NEIGHBOUR_SCAN_MS = 500;
/** Processes named per window, busiest first. */
const TOP_PROCESSES = 3;

/** What belongs to the run, as a scan sees it. */
export interface OwnProcesses {
  /** Process trees: the harness (its load generator, local apps and embedded database are its children), and any started apart. */
  roots: number[];
  /** Pids read from the run's cgroups (containers: the apps, `--db docker`). */
  pids: number[];
  /**
   * Process names that count as the run's: `postgres` for a database given by URL, whose
   * server the harness did not start and cannot tell from another PostgreSQL here.
   */
  comms: string[];
}

/** One instant of the machine: CPU ticks of all cores, of steal, and of every process. */
export interface MachineTicks {
  /** Sum of every field of /proc/stat's `cpu` line: all cores, busy and idle. */
  totalTicks: number;
  stealTicks: number;
  cores: number;
  processes: ProcessTicks[];
}

/**
 * Pure: the pids of the run's own processes in one scan (the trees under `roots`, the listed
 * pids, processes named in `comms`), and kernel threads. Kernel threads (kthreadd, pid 2, and
 * its children; a container sees none) are left out of the tally: their work here is our own traffic (softirq for the
 * load on loopback, block I/O for our writes), and a stranger's work shows in its own process.
 */
export function ownPids(processes: readonly ProcessTicks[], own: OwnProcesses): Set<number> {
  const kthreadd = processes.filter((p) => p.pid === 2 && p.comm === 'kthreadd').map((p) => p.pid);
  return withDescendants(processes, [...own.roots, ...own.pids, ...processes.filter((p) => own.comms.includes(p.comm)).map((p) => p.pid), ...kthreadd]);
}

/**
 * Pure: accumulates, scan by scan, the CPU that processes outside the run used. A process seen
 * in the previous scan adds what it used since; one not seen before was born since, and adds
 * all it used. The window is counted in the machine's own ticks, so no clock is needed.
 */
export class NeighbourTally {
  private first: { totalTicks: number; stealTicks: number } | undefined;
  private last: { totalTicks: number; stealTicks: number } | undefined;
  private cores = 1;
  private lastTicks = new Map<number, number>();
  private used = new Map<number, { comm: string; ticks: number }>();
  private peak = 0;

  add(scan: MachineTicks, own: ReadonlySet<number>): void {
    this.cores = Math.max(1, scan.cores);
    let interval = 0;
    const seen = new Map<number, number>();
    for (const p of scan.processes) {
      seen.set(p.pid, p.cpuTicks);
      if (!this.first || own.has(p.pid)) continue;
      const before = this.lastTicks.get(p.pid);
      const delta = before === undefined ? p.cpuTicks : Math.max(0, p.cpuTicks - before);
      if (delta <= 0) continue;
      interval += delta;
      const entry = this.used.get(p.pid);
      this.used.set(p.pid, { comm: p.comm, ticks: (entry?.ticks ?? 0) + delta });
    }
    this.lastTicks = seen;
    if (this.last) {
      const windowTicks = (scan.totalTicks - this.last.totalTicks) / this.cores;
      if (windowTicks > 0) this.peak = Math.max(this.peak, interval / windowTicks);
    }
    this.first ??= { totalTicks: scan.totalTicks, stealTicks: scan.stealTicks };
    this.last = { totalTicks: scan.totalTicks, stealTicks: scan.stealTicks };
  }

  /** What was tallied since the first scan; undefined before two scans. */
  summary(): Neighbours | undefined {
    if (!this.first || !this.last) return undefined;
    const allTicks = this.last.totalTicks - this.first.totalTicks;
    const windowTicks = allTicks / this.cores;
    if (windowTicks <= 0) return undefined;
    const busiest = [...this.used].sort((a, b) => b[1].ticks - a[1].ticks);
    const share = (ticks: number) => round(ticks / windowTicks);
    return {
      coreShare: share(busiest.reduce((sum, [, u]) => sum + u.ticks, 0)),
      peakCoreShare: round(this.peak),
      stealShare: round(Math.max(0, this.last.stealTicks - this.first.stealTicks) / allTicks),
      windowS: round(windowTicks / CLOCK_TICKS_PER_S),
      top: busiest.slice(0, TOP_PROCESSES).map(([pid, u]) => ({ pid, comm: u.comm, coreShare: share(u.ticks) })),
    };
  }
}

/** Four decimals: a hundredth of a percent of a core is far below what one tick can resolve over a window. */
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Reads /proc/stat and every /proc/<pid>/stat, synchronously: one instant. */
export function readMachineTicks(procDir = '/proc'): MachineTicks {
  const stat = readFileSync(`${procDir}/stat`, 'utf8');
  const total = parseCpuTimes(stat);
  if (!total) throw new Error(`${procDir}/stat has no aggregate cpu line`);
  const cores = stat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
  return { totalTicks: total.total, stealTicks: total.steal, cores, processes: readPidStatsSync(procDir) };
}

/** The pids in cgroup folders (containers); a folder that is gone holds none. */
export function cgroupPidsSync(dirs: readonly string[]): number[] {
  return dirs.flatMap((dir) => {
    try {
      return readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** A running tally of other processes: `restart` when the measured window starts, `stop` when it ends. */
export interface NeighbourWatch {
  restart(): void;
  stop(): Neighbours | undefined;
}

/**
 * Scans the machine every NEIGHBOUR_SCAN_MS from now until `stop`, which takes a last scan.
 * `own` is asked at every scan (an app's workers come and go). A scan that fails (no /proc)
 * ends the tally quietly: the record is then absent, never a guess.
 */
export function watchNeighbours(own: () => OwnProcesses, read: () => MachineTicks = readMachineTicks, scanMs = NEIGHBOUR_SCAN_MS): NeighbourWatch {
  let tally = new NeighbourTally();
  let broken = false;
  const scan = () => {
    if (broken) return;
    try {
      const snapshot = read();
      tally.add(snapshot, ownPids(snapshot.processes, own()));
    } catch {
      broken = true;
    }
  };
  scan();
  const timer = setInterval(scan, scanMs);
  timer.unref();
  return {
    restart() {
      tally = new NeighbourTally();
      scan();
    },
    stop() {
      clearInterval(timer);
      scan();
      return broken ? undefined : tally.summary();
    },
  };
}
