import { readFile } from 'node:fs/promises';
import type { Warning } from '../results/schema.ts';
import { CLOCK_TICKS_PER_S, type PidStat, readPidStats } from './proc.ts';
import { parseCpuTimes } from './steal.ts';

/**
 * Other processes may use at most a tenth of one core while the harness waits, before the run
 * is flagged. On two cores the app under test owns one: a neighbour at 10% of a core, when the
 * scheduler puts it there, takes up to about 10% off a CPU-bound cell, three times the 3% by
 * which autocannon and wrk agree on a quiet machine. Below it, the readings are within the noise
 * of short-lived system tasks (cron, journald, the kernel's own threads). See docs/fairness.md.
 */
export const BUSY_MACHINE_MAX_CORE_SHARE = 0.1;
/** Long enough to catch a steady neighbour, short enough to run before every run. */
export const QUIET_SAMPLE_MS = 3000;
/** Processes named in the warning. */
const TOP_PROCESSES = 3;

/** One process in a snapshot of /proc (proc.ts reads it). */
export type ProcessTicks = Pick<PidStat, 'pid' | 'ppid' | 'comm' | 'cpuTicks'>;

/** The whole machine at one instant: CPU ticks of every core (idle included) and of every process. */
export interface MachineSnapshot {
  /** Sum of every field of the `cpu` line of /proc/stat: all cores, busy and idle. */
  totalTicks: number;
  /** Online cores (the `cpuN` lines). */
  cores: number;
  processes: ProcessTicks[];
}

/** A process that used CPU during the window. */
export interface BusyProcess {
  pid: number;
  comm: string;
  /** CPU used over the window, in cores (0.25 = a quarter of one core). */
  coreShare: number;
}

/** What other processes did while the harness sampled. */
export interface MachineUsage {
  windowS: number;
  cores: number;
  /** Everything outside the harness's tree, in cores. */
  otherCoreShare: number;
  /** The busiest of them, busiest first. */
  top: BusyProcess[];
}

/** /proc/stat's aggregate `cpu` line (its total ticks, resources/steal.ts) and its per-core lines. */
export function parseProcStat(text: string): Pick<MachineSnapshot, 'totalTicks' | 'cores'> {
  const total = parseCpuTimes(text);
  if (!total) throw new Error('/proc/stat has no aggregate cpu line');
  return { totalTicks: total.total, cores: text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length };
}

/** The given pids and all their descendants, as the snapshot's parent links say. */
export function withDescendants(processes: readonly ProcessTicks[], roots: readonly number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * CPU used between two snapshots by every process outside the trees of `excludeRoots` (the
 * harness, and the database it started). The window is measured in the machine's own ticks,
 * so no clock is needed. A process born in the window counts all it used; one that exited is lost.
 */
export function machineUsage(before: MachineSnapshot, after: MachineSnapshot, excludeRoots: readonly number[]): MachineUsage {
  const cores = Math.max(1, after.cores);
  const windowTicks = Math.max(1, (after.totalTicks - before.totalTicks) / cores);
  const excluded = withDescendants(after.processes, excludeRoots);
  const previous = new Map(before.processes.map((p) => [p.pid, p.cpuTicks]));
  const busy: BusyProcess[] = [];
  for (const p of after.processes) {
    if (excluded.has(p.pid)) continue;
    const used = p.cpuTicks - (previous.get(p.pid) ?? 0);
    if (used > 0) busy.push({ pid: p.pid, comm: p.comm, coreShare: used / windowTicks });
  }
  busy.sort((a, b) => b.coreShare - a.coreShare);
  return {
    windowS: windowTicks / CLOCK_TICKS_PER_S,
    cores,
    otherCoreShare: busy.reduce((sum, p) => sum + p.coreShare, 0),
    top: busy.slice(0, TOP_PROCESSES),
  };
}

/** A warning when other processes used more than `maxCoreShare` of a core; undefined on a quiet machine. */
export function busyMachineWarning(usage: MachineUsage, maxCoreShare = BUSY_MACHINE_MAX_CORE_SHARE): Warning | undefined {
  if (usage.otherCoreShare <= maxCoreShare) return undefined;
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const top = usage.top.map((p) => `${p.comm} (pid ${p.pid}) ${pct(p.coreShare)}`).join(', ');
  return {
    code: 'BUSY_MACHINE',
    message:
      `other processes used ${usage.otherCoreShare < 1 ? `${pct(usage.otherCoreShare)} of a core` : `${usage.otherCoreShare.toFixed(1)} cores`} over ${usage.windowS.toFixed(1)} s before the first measurement ` +
      `(more than ${pct(maxCoreShare)} of a core): ${top}; figures from this run may be low and uneven`,
    hint: 'stop them or run on a quiet machine, then run again; compare runs only from quiet machines',
  };
}

/** Reads /proc/stat and every /proc/<pid>/stat. */
export async function readMachineSnapshot(procDir = '/proc'): Promise<MachineSnapshot> {
  const { totalTicks, cores } = parseProcStat(await readFile(`${procDir}/stat`, 'utf8'));
  return { totalTicks, cores, processes: await readPidStats(procDir) };
}

/**
 * Samples the whole machine for `durationMs` (default QUIET_SAMPLE_MS) and returns what
 * processes outside `excludeRoots` used. Call it before the first cell, with the harness's pid
 * (and the database's, if it is not a child).
 */
export async function sampleMachine(excludeRoots: readonly number[], durationMs = QUIET_SAMPLE_MS): Promise<MachineUsage> {
  const before = await readMachineSnapshot();
  await new Promise((r) => setTimeout(r, durationMs));
  return machineUsage(before, await readMachineSnapshot(), excludeRoots);
}
