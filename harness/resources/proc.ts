import { readFile, readdir } from 'node:fs/promises';

/** Linux's USER_HZ: /proc times are in these ticks on every mainstream architecture. */
export const CLOCK_TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

export interface CpuMemReading {
  /** Cumulative user + system CPU seconds. */
  cpuS: number;
  memBytes: number;
}

interface ProcStat {
  pid: number;
  ppid: number;
  cpuTicks: number;
  rssPages: number;
}

function parseStat(text: string): ProcStat | undefined {
  // comm may hold spaces and parentheses: fields start after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15, rss 24.
  return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
}

async function allStats(): Promise<ProcStat[]> {
  const stats: ProcStat[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
      if (stat) stats.push(stat);
    } catch {
      // Exited between readdir and read.
    }
  }
  return stats;
}

/** CPU time and resident memory of a process and all its descendants. */
export async function readProcessTree(rootPid: number): Promise<CpuMemReading> {
  const stats = await allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === rootPid);
  // Gone: the sampler drops the target and keeps what it read while it ran.
  if (!root) throw new Error(`process ${rootPid} has exited`);
  let ticks = 0;
  let pages = 0;
  const queue = [root];
  while (queue.length > 0) {
    const s = queue.pop()!;
    ticks += s.cpuTicks;
    pages += s.rssPages;
    queue.push(...(children.get(s.pid) ?? []));
  }
  return { cpuS: ticks / CLOCK_TICKS_PER_S, memBytes: pages * PAGE_BYTES };
}

/** CPU time and memory of a cgroup v2 directory (a container). */
export async function readCgroup(dir: string): Promise<CpuMemReading> {
  const stat = await readFile(`${dir}/cpu.stat`, 'utf8');
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
      return Number((await readFile(file, 'utf8')).trim());
    } catch {
      // Try the next layout.
    }
  }
  return 0;
}
