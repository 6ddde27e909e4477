import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { execa } from 'execa';
import { type BusyProcess, sampleMachine } from '../resources/quiet.ts';
import type { MachineFacts } from './doctor-checks.ts';

/** Sampling window for other processes' CPU: long enough to catch a steady load, short enough for a doctor. */
const SAMPLE_MS = 1000;

/**
 * The busiest processes outside this one's tree over a one-second sample, through the same
 * /proc sampler as the check before every run. Empty off Linux, which has no /proc to read.
 */
async function busyProcesses(): Promise<BusyProcess[]> {
  if (process.platform !== 'linux') return [];
  return (await sampleMachine([process.pid], SAMPLE_MS)).top;
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
