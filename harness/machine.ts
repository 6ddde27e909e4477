import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Results } from './results/schema.ts';

/** What the results say about the machine, so readers can compare like with like. */
export async function describeMachine(): Promise<Results['machine']> {
  let kernel = os.release();
  try {
    kernel = (await readFile('/proc/version', 'utf8')).split(' ').slice(0, 3).join(' ');
  } catch {
    // Non-Linux: os.release() is the best there is.
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    kernel,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()}-${os.arch()}`,
    node: process.version,
  };
}
