import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** Which CPUs the app, the database and the load generator get. */
export interface CpuLayout {
  totalCores: number;
  appCpus: number[];
  dbCpus: number[];
  loadgenCpus: number[];
  /** True when two roles share a core: the results say so next to every table. */
  shared: boolean;
  note: string;
}

/**
 * The CPUs this process may run on (a cpuset or taskset can make them 2-3 rather than 0-1);
 * taskset and CpusetCpus take these ids.
 */
export async function allowedCpus(): Promise<number[]> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
    if (list) return parseCpuList(list);
  } catch {
    // Not Linux: fall through.
  }
  return Array.from({ length: os.availableParallelism() }, (_, i) => i);
}

/**
 * Gives each role cores of its own where there are enough. With 4 or more cores: one for
 * the load generator, one for the database, the rest for the app (capped by appCores if given).
 * With 2 or 3: the app gets the last core; the load generator and the database share core 0,
 * which is flagged. With 1: everything shares it, also flagged.
 */
export function planCpuLayout(cpus: readonly number[], appCores?: number): CpuLayout {
  const all = [...cpus].sort((a, b) => a - b);
  const totalCores = all.length;
  const [first = 0, second = first] = all;
  const last = all[all.length - 1] ?? first;
  if (totalCores >= 4) {
    const rest = all.slice(2);
    const appCpus = appCores ? rest.slice(0, appCores) : rest;
    return { totalCores, appCpus, dbCpus: [second], loadgenCpus: [first], shared: false, note: 'load generator, database and app on separate cores' };
  }
  if (totalCores >= 2) {
    return {
      totalCores,
      appCpus: [last],
      dbCpus: [first],
      loadgenCpus: [first],
      shared: true,
      note: `only ${totalCores} cores: the load generator and the database share core ${first}, the app has core ${last} to itself`,
    };
  }
  return { totalCores, appCpus: [first], dbCpus: [first], loadgenCpus: [first], shared: true, note: 'one core: app, database and load generator share it' };
}

/** `0-3,8,10-11` (Linux's cpu list format) -> [0, 1, 2, 3, 8, 10, 11]. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [from, to = from] = part.split('-').map(Number);
    for (let cpu = from!; cpu <= to!; cpu++) cpus.push(cpu);
  }
  return cpus;
}
