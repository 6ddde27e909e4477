/**
 * Hypervisor steal: the CPU time the host gave to other guests while this VM's vCPUs had work
 * (the `steal` field of /proc/stat). The guest cannot see it as load, yet every process here
 * stalls for it: on a 2-core VM at 11-36% steal, an M/D/1 fixture's mean rose 58-223% above the
 * formula and the open-loop generator woke late for up to a quarter of its requests
 * (docs/measured-facts.md, "Hypervisor steal"). A run is flagged when it lost more than this share.
 */
import { readFile } from 'node:fs/promises';

export const STEAL_MAX = 0.02;

/** Steal and total ticks of one /proc/stat line: the aggregate `cpu` line (every core together) or one core's. */
export interface CpuTimes {
  steal: number;
  total: number;
}

/**
 * Pure: /proc/stat -> steal and total ticks of the aggregate line, or of core `cpu` when given
 * (guest time is inside user and nice, so left out); undefined when that line is missing.
 */
export function parseCpuTimes(text: string, cpu?: number): CpuTimes | undefined {
  const prefix = cpu === undefined ? 'cpu ' : `cpu${cpu} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!fields || fields.length < 8 || fields.some((f) => !Number.isFinite(f))) return undefined;
  return { steal: fields[7]!, total: fields.reduce((a, b) => a + b, 0) };
}

/** Reads /proc/stat (the aggregate line, or core `cpu`'s); undefined where there is none (not Linux) or it cannot be read. */
export async function readCpuTimes(cpu?: number, procStat = '/proc/stat'): Promise<CpuTimes | undefined> {
  return parseCpuTimes(await readFile(procStat, 'utf8').catch(() => ''), cpu);
}

/** Pure: the share of all CPU time between two readings that the host took. */
export function stealShare(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? Math.max(0, after.steal - before.steal) / total : 0;
}
