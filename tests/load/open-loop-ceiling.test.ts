import { describe, expect, it } from 'vitest';
import { type CeilingStep, nearOpenLoopCeiling, searchCeiling } from '../../harness/load/open-loop-ceiling.ts';

/** A fake generator that keeps up below `limitRps`. */
function probeUpTo(limitRps: number, tried: number[]) {
  return async (rateRps: number): Promise<CeilingStep> => {
    tried.push(rateRps);
    const sustained = rateRps <= limitRps;
    return { offeredRps: rateRps, achievedRps: sustained ? rateRps : limitRps, late: sustained ? 0 : 100, scheduled: 1000, sustained };
  };
}

describe('searchCeiling', () => {
  it('doubles until the generator falls behind, then bisects', async () => {
    const tried: number[] = [];
    const r = await searchCeiling(probeUpTo(5000, tried), { startRps: 1000, growth: 2, maxRps: 128_000, refineSteps: 2 });
    expect(tried).toEqual([1000, 2000, 4000, 8000, 6000, 5000]);
    expect(r.rps).toBe(5000);
    expect(r.steps).toHaveLength(6);
  });

  it('reports 0 when even the first rate fails', async () => {
    const r = await searchCeiling(probeUpTo(100, []), { startRps: 1000, growth: 2, maxRps: 128_000, refineSteps: 2 });
    expect(r.rps).toBe(0);
  });

  it('stops at maxRps when the generator never falls behind', async () => {
    const tried: number[] = [];
    const r = await searchCeiling(probeUpTo(Infinity, tried), { startRps: 1000, growth: 2, maxRps: 8000, refineSteps: 2 });
    expect(tried).toEqual([1000, 2000, 4000, 8000]);
    expect(r.rps).toBe(8000);
  });
});

describe('nearOpenLoopCeiling', () => {
  it('flags offered rates above 80% of the ceiling', () => {
    expect(nearOpenLoopCeiling(800, 1000)).toBe(false);
    expect(nearOpenLoopCeiling(801, 1000)).toBe(true);
  });
});
