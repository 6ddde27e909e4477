import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../harness/pipeline/pipeline.ts';
import { leadingWarnings } from '../../harness/report/leading.ts';
import { type CpuTimes, parseCpuTimes, STEAL_MAX, stealShare } from '../../harness/resources/steal.ts';
import { fakeDeps } from '../support/fakes.ts';

const STAT = `cpu  1000 20 300 5000 10 0 5 120 0 0
cpu0 500 10 150 2500 5 0 3 60 0 0
cpu1 500 10 150 2500 5 0 2 60 0 0
intr 12345
`;

describe('hypervisor steal', () => {
  it("reads the aggregate line's steal and total ticks from /proc/stat", () => {
    expect(parseCpuTimes(STAT)).toEqual({ steal: 120, total: 1000 + 20 + 300 + 5000 + 10 + 0 + 5 + 120 });
    expect(parseCpuTimes(STAT, 1)).toEqual({ steal: 60, total: 500 + 10 + 150 + 2500 + 5 + 0 + 2 + 60 });
    expect(parseCpuTimes(STAT, 2)).toBeUndefined();
    expect(parseCpuTimes('intr 1\n')).toBeUndefined();
  });

  it('is the share of all CPU time between two readings that the host took', () => {
    expect(stealShare({ steal: 100, total: 1000 }, { steal: 150, total: 2000 })).toBeCloseTo(0.05);
    expect(stealShare({ steal: 100, total: 1000 }, { steal: 100, total: 1000 })).toBe(0);
  });

  /** A fake run whose CPU readings say the host took `share` of the CPU time between start and end. */
  async function runWithSteal(share: number) {
    const { deps, world } = fakeDeps();
    const readings: CpuTimes[] = [
      { steal: 1000, total: 100_000 },
      { steal: 1000 + share * 50_000, total: 150_000 },
    ];
    deps.cpuTimes = async () => readings.shift();
    await runPipeline(deps);
    return world.storage.last!;
  }

  it('warns, first among the doubts, when the host took more than 2% over the run; nothing below', async () => {
    const stolen = await runWithSteal(0.11);
    const steal = stolen.warnings.find((w) => w.code === 'STEAL');
    expect(steal?.message).toContain("the host took 11.0% of this machine's CPU time during the run");
    expect(leadingWarnings(stolen)[0]).toMatch(/^STEAL: /);
    const quiet = await runWithSteal(STEAL_MAX / 2);
    expect(quiet.warnings.some((w) => w.code === 'STEAL')).toBe(false);
  });
});
