import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePidStat, processTreeReader } from '../../harness/resources/proc.ts';
import { pidStat } from '../support/proc-stat.ts';

describe('parsePidStat', () => {
  it('reads a command name holding spaces and parentheses, and the fields after it', () => {
    expect(parsePidStat(pidStat(5000, 'tsc (watch) x', 1, 4000, 100))).toEqual({ pid: 5000, ppid: 1, comm: 'tsc (watch) x', cpuTicks: 4100, rssPages: 4940 });
  });

  it('reads nothing from a line without a command name', () => {
    expect(parsePidStat('')).toBeUndefined();
    expect(parsePidStat('12 x) S 1')).toBeUndefined();
  });
});

describe('processTreeReader', () => {
  it('keeps the CPU time of a child that exits, so a reading never goes back', async () => {
    // A parent that starts a busy child for ~600 ms, then lives on idle. 600 ms, not less: with the
    // unit suite's workers on both cores the child once got too little CPU to be seen before it exited.
    const parent = spawn('sh', ['-c', 'timeout 0.6 sh -c "while :; do :; done" & sleep 5'], { stdio: 'ignore' });
    let clock = 0;
    const read = processTreeReader(parent.pid!, () => (clock += 5000)); // every read rescans the tree
    const readings: number[] = [];
    try {
      for (let i = 0; i < 11; i++) {
        readings.push((await read()).cpuS);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      parent.kill('SIGKILL');
    }
    for (let i = 1; i < readings.length; i++) expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1]!);
    expect(readings.at(-1)!).toBeGreaterThan(0.1);
  });
});
