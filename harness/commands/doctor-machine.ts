import { readdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { execa } from 'execa';
import { CLOCK_TICKS_PER_S } from '../resources/proc.ts';
import type { MachineFacts } from './doctor-checks.ts';

/** Sampling window for other processes' CPU: long enough to catch a steady load, short enough for a doctor. */
const SAMPLE_MS = 1000;

async function cpuTicks(): Promise<Map<number, { ticks: number; command: string }>> {
  const ticks = new Map<number, { ticks: number; command: string }>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    // The command sits in parentheses and may hold spaces; the fields after it are fixed.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    ticks.set(Number(entry), { ticks: Number(fields[11]) + Number(fields[12]), command: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return ticks;
}

/** Processes other than this one busy during a one-second sample (Linux; empty elsewhere). */
async function busyProcesses(): Promise<MachineFacts['busy']> {
  const before = await cpuTicks();
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  const after = await cpuTicks();
  const busy: MachineFacts['busy'] = [];
  for (const [pid, a] of after) {
    const b = before.get(pid);
    if (!b || pid === process.pid) continue;
    busy.push({ pid, command: a.command, cpu: (a.ticks - b.ticks) / CLOCK_TICKS_PER_S / (SAMPLE_MS / 1000) });
  }
  return busy;
}

export async function machineFacts(diskPath: string): Promise<MachineFacts> {
  const limit = await execa('sh', ['-c', 'ulimit -n'], { reject: false });
  const fs = await statfs(diskPath).catch(() => undefined);
  return {
    cores: os.availableParallelism(),
    loadAvg1: os.loadavg()[0] ?? 0,
    busy: await busyProcesses(),
    openFilesLimit: limit.exitCode === 0 && /^\d+$/.test(limit.stdout.trim()) ? Number(limit.stdout.trim()) : undefined,
    freeDiskBytes: fs ? fs.bavail * fs.bsize : undefined,
    diskPath,
  };
}
