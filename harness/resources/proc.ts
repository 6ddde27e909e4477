import { readdirSync, readFileSync } from 'node:fs';

/*
 * /proc and cgroup files are read synchronously. They are generated in memory, so a read takes
 * microseconds, while fs/promises sends each open, read and close through libuv's thread pool
 * and back: during a standard run the sampler's async reads made about 1,800 read and 1,400 write
 * system calls a second and held the harness at 17-20% of the core the load generator and the
 * database share (docs/measured-facts.md, "The sampler's own cost").
 */

/** Linux's USER_HZ: /proc times are in these ticks on every mainstream architecture. */
export const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

export interface CpuMemReading {
  /** Cumulative user + system CPU seconds. */
  cpuS: number;
  memBytes: number;
  /**
   * When the figures were taken, on the reader's own clock, for readers whose answer can
   * lag (an engine's stats API); the sampler only takes differences of these within one series.
   */
  takenAtMs?: number;
}

/** One process as /proc/<pid>/stat gives it. */
export interface PidStat {
  pid: number;
  ppid: number;
  /** The command name (field 2). */
  comm: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Resident set size, in pages. */
  rssPages: number;
}

/** /proc/<pid>/stat: comm may hold spaces and parentheses, so fields are read after the last ')'. */
export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15, rss 24.
  return {
    pid: Number(text.slice(0, open).trim()),
    ppid: Number(fields[1]),
    comm: text.slice(open + 1, close),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssPages: Number(fields[21]),
  };
}

/** Every process under `procDir`, one read of its stat file each; those that exit meanwhile are left out. */
export async function readPidStats(procDir = '/proc'): Promise<PidStat[]> {
  return readPidStatsSync(procDir);
}

/** readPidStats without the promise, for callers that must read at one instant (resources/neighbours.ts). */
export function readPidStatsSync(procDir = '/proc'): PidStat[] {
  const stats: PidStat[] = [];
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parsePidStat(readFileSync(`${procDir}/${name}/stat`, 'utf8'));
      if (stat) stats.push(stat);
    } catch {
      // Exited between readdir and read.
    }
  }
  return stats;
}

/** The pids of a process and all its descendants (one scan of /proc). */
export async function treePids(rootPid: number): Promise<number[]> {
  const stats = await readPidStats();
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  if (!stats.some((s) => s.pid === rootPid)) return [];
  const pids: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/**
 * Scanning all of /proc costs about 2 ms of CPU on the load generator's core; the trees
 * sampled here (server workers, database backends of a fixed pool, one autocannon) are
 * stable, so the descendants are re-listed only every 2 s and read directly in between.
 */
const TREE_RESCAN_MS = 2000;

/**
 * A reader of CPU time and resident memory of a process and all its descendants. CPU is
 * accumulated per pid, so a worker or backend that exits keeps the time it used, and one
 * that appears adds only what it used since it appeared (or its whole life, when it was
 * born after the first reading).
 */
export function processTreeReader(rootPid: number, now: () => number = () => performance.now()): () => Promise<CpuMemReading> {
  let pids: number[] = [];
  let scannedAt = -Infinity;
  let first = true;
  let cpuTicks = 0;
  const lastTicks = new Map<number, number>();
  return async () => {
    if (now() - scannedAt >= TREE_RESCAN_MS) {
      pids = await treePids(rootPid);
      scannedAt = now();
    }
    let pages = 0;
    let rootSeen = false;
    for (const pid of pids) {
      try {
        const stat = parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        if (!stat) continue;
        rootSeen ||= pid === rootPid;
        const before = lastTicks.get(pid);
        if (before !== undefined) cpuTicks += Math.max(0, stat.cpuTicks - before);
        else if (!first) cpuTicks += stat.cpuTicks;
        lastTicks.set(pid, stat.cpuTicks);
        pages += stat.rssPages;
      } catch {
        // A worker or backend that exited since the last scan.
      }
    }
    first = false;
    // Gone: the sampler drops the target and keeps what it read while it ran.
    if (!rootSeen) throw new Error(`process ${rootPid} has exited`);
    return { cpuS: cpuTicks / CLOCK_TICKS_PER_S, memBytes: pages * PAGE_BYTES };
  };
}

/** CPU time and memory of a cgroup v2 directory (a container). */
export async function readCgroup(dir: string): Promise<CpuMemReading> {
  const stat = readFileSync(`${dir}/cpu.stat`, 'utf8');
  const usec = Number(/usage_usec (\d+)/.exec(stat)?.[1] ?? 0);
  return { cpuS: usec / 1e6, memBytes: await readCgroupMemory(dir) };
}

/**
 * cgroup v2's memory.current; on hybrid hosts (v1 controllers, v2 mounted at
 * /sys/fs/cgroup/unified) memory lives in the v1 memory hierarchy under the same path.
 */
async function readCgroupMemory(dir: string): Promise<number> {
  const candidates = [`${dir}/memory.current`];
  if (dir.includes('/sys/fs/cgroup/unified/')) candidates.push(`${dir.replace('/sys/fs/cgroup/unified/', '/sys/fs/cgroup/memory/')}/memory.usage_in_bytes`);
  for (const file of candidates) {
    try {
      return Number(readFileSync(file, 'utf8').trim());
    } catch {
      // Try the next layout.
    }
  }
  return 0;
}

/** The pids in a cgroup (a container): empty when it is gone. */
export async function cgroupPids(dir: string): Promise<number[]> {
  let text = '';
  try {
    text = readFileSync(`${dir}/cgroup.procs`, 'utf8');
  } catch {
    // Gone with its container.
  }
  return text.split('\n').filter(Boolean).map(Number);
}
