import { readdirSync, readFileSync } from 'node:fs';
import { withDescendants } from '../../harness/resources/quiet.ts';

/**
 * What the machine's CPUs did at one instant, split into this test's own process tree and
 * everything else. Unlike harness/resources/quiet.ts (which sums the processes alive at both
 * readings), the machine's busy time comes from /proc/stat, so work done by processes that
 * started and exited between two readings counts too: a neighbour's 20 s load test inside a
 * 60 s run is then seen.
 *
 * Read synchronously, so that nothing the harness does (stopping an app, reaping a child)
 * happens half-way through a reading: a child read before it exited and missing from its
 * parent's cutime after would vanish from the tree, and its CPU would count as foreign.
 */
export interface CpuReading {
  /** Every field of the aggregate `cpu` line: all cores, busy and idle. */
  totalTicks: number;
  /** user + nice + system + irq + softirq of all cores: everything but idle, I/O wait and steal. */
  busyTicks: number;
  /** utime + stime + cutime + cstime of the roots and their live descendants: children that exited count through their parent's cutime. */
  ownTicks: number;
  cores: number;
}

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStats(): Stat[] {
  const stats: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name, which may hold spaces: state, ppid, ... utime (11), stime, cutime, cstime.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.push({ pid: Number(name), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return stats;
}

/** Reads /proc/stat and the CPU of `roots` (this process, its parent) with every descendant. */
export function readCpu(roots: readonly number[]): CpuReading {
  const stat = readFileSync('/proc/stat', 'utf8');
  const cpu = stat.split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const stats = readStats();
  const own = withDescendants(
    stats.map((s) => ({ pid: s.pid, ppid: s.ppid, comm: '', cpuTicks: s.ticks })),
    roots,
  );
  return {
    totalTicks: cpu.reduce((a, b) => a + b, 0),
    busyTicks: cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]!,
    ownTicks: stats.filter((s) => own.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0),
    cores: stat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length,
  };
}

/**
 * Pure: the cores, on average, busy with anything but the roots' tree between two readings:
 * other processes, kernel threads, and interrupts (those of the tree's own traffic included,
 * about 1% of a core per core here).
 */
export function foreignCores(before: CpuReading, after: CpuReading): number {
  const elapsed = (after.totalTicks - before.totalTicks) / Math.max(1, after.cores);
  const foreign = after.busyTicks - before.busyTicks - (after.ownTicks - before.ownTicks);
  return elapsed > 0 ? Math.max(0, foreign) / elapsed : 0;
}
