import { describe, expect, it } from 'vitest';
import { type MachineTicks, NeighbourTally, ownPids, readMachineTicks, watchNeighbours } from '../../harness/resources/neighbours.ts';
import type { ProcessTicks } from '../../harness/resources/quiet.ts';

const HARNESS = 4100;
const p = (pid: number, comm: string, ppid: number, cpuTicks: number): ProcessTicks => ({ pid, comm, ppid, cpuTicks });
/** A scan of a 2-core machine `atS` seconds in: 100 ticks per core per second. */
const scan = (atS: number, processes: ProcessTicks[], stealTicks = 0): MachineTicks => ({ totalTicks: atS * 200, stealTicks, cores: 2, processes });
const NONE = { roots: [], pids: [], comms: [] };

describe('ownPids', () => {
  const processes = [
    p(1, 'init', 0, 0),
    p(2, 'kthreadd', 0, 0),
    p(14, 'ksoftirqd/0', 2, 0),
    p(HARNESS, 'node', 1, 0),
    p(4200, 'node', HARNESS, 0), // the load generator
    p(4300, 'gunicorn', HARNESS, 0), // a local app
    p(4301, 'gunicorn', 4300, 0),
    p(5000, 'postgres', 1, 0), // a server the URL points at
    p(5001, 'postgres', 5000, 0),
    p(6000, 'python', 1, 0), // a container's process (its pid from cgroup.procs)
    p(7000, 'yes', 1, 0), // a stranger
  ];

  it("holds the harness's tree, listed pids and their children, processes named as the run's, and kernel threads", () => {
    const own = ownPids(processes, { roots: [HARNESS], pids: [6000], comms: ['postgres'] });
    expect([...own].sort((a, b) => a - b)).toEqual([2, 14, HARNESS, 4200, 4300, 4301, 5000, 5001, 6000]);
    expect(own.has(7000)).toBe(false);
    expect(own.has(1)).toBe(false);
  });

  it('leaves pid 2 alone when it is not kthreadd (inside a container it is an ordinary process)', () => {
    const own = ownPids([p(2, 'sh', 1, 0), p(3, 'yes', 2, 0)], NONE);
    expect(own.size).toBe(0);
  });
});

describe('NeighbourTally', () => {
  it("counts other processes' CPU in cores over the window, its busiest processes and the peak interval", () => {
    const tally = new NeighbourTally();
    const own = new Set([HARNESS]);
    tally.add(scan(0, [p(HARNESS, 'node', 1, 0), p(7000, 'yes', 1, 500), p(7100, 'cron', 1, 10)]), own);
    // 1 s later: yes used 60 ticks (0.6 of a core), the harness 90 (its own, not counted), a python born meanwhile 20.
    tally.add(scan(1, [p(HARNESS, 'node', 1, 90), p(7000, 'yes', 1, 560), p(7100, 'cron', 1, 10), p(7200, 'python3', 1, 20)]), own);
    // 2 s: yes 100 more; the python exited (what it used in this interval is lost, as in /proc).
    tally.add(scan(2, [p(HARNESS, 'node', 1, 180), p(7000, 'yes', 1, 660), p(7100, 'cron', 1, 11)]), own);
    expect(tally.summary()).toEqual({
      coreShare: (60 + 20 + 100 + 1) / 200,
      peakCoreShare: 1.01,
      stealShare: 0,
      windowS: 2,
      top: [
        { pid: 7000, comm: 'yes', coreShare: 0.8 },
        { pid: 7200, comm: 'python3', coreShare: 0.1 },
        { pid: 7100, comm: 'cron', coreShare: 0.005 },
      ],
    });
  });

  it('reads steal as a share of all CPU time, and nothing before two scans', () => {
    const tally = new NeighbourTally();
    expect(tally.summary()).toBeUndefined();
    tally.add(scan(10, [], 1000), new Set());
    expect(tally.summary()).toBeUndefined();
    tally.add(scan(20, [], 1100), new Set());
    // 2000 ticks of both cores, 100 of them stolen.
    expect(tally.summary()).toMatchObject({ coreShare: 0, stealShare: 0.05, windowS: 10, top: [] });
  });

  it('does not count a pid whose ticks went back (a recycled pid) as negative', () => {
    const tally = new NeighbourTally();
    tally.add(scan(0, [p(7000, 'yes', 1, 500)]), new Set());
    tally.add(scan(1, [p(7000, 'sh', 1, 3)]), new Set());
    expect(tally.summary()?.coreShare).toBe(0);
  });
});

describe('watchNeighbours', () => {
  it('re-bases on restart (the measured window starts after the warm-up) and takes a last scan on stop', () => {
    let atS = 0;
    let yesTicks = 0;
    const watch = watchNeighbours(
      () => NONE,
      () => scan(atS, [p(7000, 'yes', 1, yesTicks)]),
      60_000,
    );
    // The warm-up: yes is busy, but this is before the window.
    atS = 2;
    yesTicks = 200;
    watch.restart();
    atS = 12;
    yesTicks = 300;
    // 100 ticks over 10 s of 2 cores (2000 ticks, 1000 per core): a tenth of a core.
    expect(watch.stop()).toMatchObject({ coreShare: 0.1, windowS: 10, top: [{ pid: 7000, comm: 'yes', coreShare: 0.1 }] });
  });

  it('gives no record, never a guess, when the machine cannot be read', () => {
    const watch = watchNeighbours(
      () => NONE,
      () => {
        throw new Error('ENOENT: /proc/stat');
      },
      60_000,
    );
    expect(watch.stop()).toBeUndefined();
  });

  it('reads this machine: every core, a window, and this process among the processes', () => {
    const now = readMachineTicks();
    expect(now.cores).toBeGreaterThan(0);
    expect(now.totalTicks).toBeGreaterThan(0);
    expect(now.processes.some((x) => x.pid === process.pid)).toBe(true);
  });
});
