import { describe, expect, it } from 'vitest';
import { parsePidStat } from '../../harness/resources/proc.ts';
import {
  BUSY_MACHINE_MAX_CORE_SHARE,
  busyMachineWarning,
  type MachineSnapshot,
  machineUsage,
  parseProcStat,
  readMachineSnapshot,
} from '../../harness/resources/quiet.ts';
import { pidStat } from '../support/proc-stat.ts';

// Recorded from this project's 2-core VM (the ticks of later lines are edited to make a window).
const PROC_STAT_BEFORE = `cpu  114551 205 26524 37984 3177 0 379 311 0 0
cpu0 55396 71 13102 22428 279 0 126 152 0 0
cpu1 59154 134 13422 15555 2898 0 252 158 0 0
intr 1 2 3
ctxt 123`;
/** 3 s later: 2 cores x 300 ticks = 600 more ticks in all fields together. */
const PROC_STAT_AFTER = `cpu  114951 205 26624 38084 3177 0 379 311 0 0
cpu0 55596 71 13152 22468 279 0 126 152 0 0
cpu1 59354 134 13472 15595 2898 0 252 158 0 0`;

function snapshot(stat: string, lines: string[]): MachineSnapshot {
  return { ...parseProcStat(stat), processes: lines.map((l) => parsePidStat(l)!) };
}

const HARNESS_PID = 4100;
const before = snapshot(PROC_STAT_BEFORE, [
  '1 (process_api) S 0 0 0 0 -1 4194560 105868 7471454 0 1358 187 477 24978 7807 20 0 14 0 12 54734848 4940 18446744073709551615 1 1 0 0',
  pidStat(HARNESS_PID, 'node', 1, 1000, 200),
  pidStat(4200, 'postgres', HARNESS_PID, 50, 50),
  pidStat(5000, 'tsc (watch) x', 1, 4000, 100),
  pidStat(6000, 'kworker/0:1', 2, 0, 7),
  pidStat(7000, 'sleep', 1, 0, 0),
]);
const after = snapshot(PROC_STAT_AFTER, [
  '1 (process_api) S 0 0 0 0 -1 4194560 105868 7471454 0 1358 188 478 24978 7807 20 0 14 0 12 54734848 4940 18446744073709551615 1 1 0 0',
  pidStat(HARNESS_PID, 'node', 1, 1120, 230), // the harness itself: 150 ticks, not counted
  pidStat(4200, 'postgres', HARNESS_PID, 70, 60), // the database it started: 30 ticks, not counted
  pidStat(4201, 'postgres', 4200, 8, 2), // a backend born in the window, under the harness
  pidStat(5000, 'tsc (watch) x', 1, 4085, 105), // 90 ticks = 30% of a core
  pidStat(5100, 'python3', 1, 18, 2), // born in the window: 20 ticks
  pidStat(6000, 'kworker/0:1', 2, 0, 8),
  pidStat(7000, 'sleep', 1, 0, 0),
]);

describe('parsing /proc', () => {
  it('sums the aggregate cpu line and counts the cores', () => {
    expect(parseProcStat(PROC_STAT_BEFORE)).toEqual({ totalTicks: 114551 + 205 + 26524 + 37984 + 3177 + 379 + 311, cores: 2 });
  });
});

describe('machineUsage', () => {
  it("measures other processes' CPU in cores over the window, leaving out the harness's tree", () => {
    const usage = machineUsage(before, after, [HARNESS_PID]);
    expect(usage.windowS).toBe(3);
    expect(usage.cores).toBe(2);
    // 2 + 90 + 20 + 1 ticks over a 300-tick window.
    expect(usage.otherCoreShare).toBeCloseTo(113 / 300, 6);
    expect(usage.top.map((p) => [p.comm, Number(p.coreShare.toFixed(4))])).toEqual([
      ['tsc (watch) x', 0.3],
      ['python3', 0.0667],
      ['process_api', 0.0067],
    ]);
  });

  it('counts the harness when nothing is excluded', () => {
    expect(machineUsage(before, after, []).top[0]).toMatchObject({ pid: HARNESS_PID, comm: 'node', coreShare: 0.5 });
  });
});

describe('busyMachineWarning', () => {
  it('warns above a tenth of a core and names the busiest processes', () => {
    expect(BUSY_MACHINE_MAX_CORE_SHARE).toBe(0.1);
    expect(busyMachineWarning(machineUsage(before, after, [HARNESS_PID]))).toEqual({
      code: 'BUSY_MACHINE',
      message:
        'other processes used 38% of a core over 3.0 s before the first measurement (more than 10% of a core): tsc (watch) x (pid 5000) 30%, python3 (pid 5100) 7%, process_api (pid 1) 1%; figures from this run may be low and uneven',
      hint: 'stop them or run on a quiet machine, then run again; compare runs only from quiet machines',
    });
  });

  it('stays quiet at or below the threshold', () => {
    const quiet = { windowS: 3, cores: 2, otherCoreShare: 0.1, top: [{ pid: 1, comm: 'init', coreShare: 0.1 }] };
    expect(busyMachineWarning(quiet)).toBeUndefined();
    expect(busyMachineWarning({ ...quiet, otherCoreShare: 0.11 })?.code).toBe('BUSY_MACHINE');
    expect(busyMachineWarning({ ...quiet, otherCoreShare: 1.96 })?.message).toMatch(/^other processes used 2\.0 cores over 3\.0 s/);
  });
});

describe('readMachineSnapshot', () => {
  it('reads this machine, this process included', async () => {
    const snap = await readMachineSnapshot();
    expect(snap.cores).toBeGreaterThan(0);
    expect(snap.processes.find((p) => p.pid === process.pid)?.cpuTicks).toBeGreaterThan(0);
  });
});
