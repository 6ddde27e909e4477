import { describe, expect, it } from 'vitest';
import { type CeilingStep, nearOpenLoopCeiling, searchCeiling, stepFromRaw, stepText } from '../../harness/load/open-loop-ceiling.ts';
import { makeOpenLoopRaw } from '../support/factories.ts';

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

describe('stepFromRaw', () => {
  // 3,000 due in 10 s at 300/s offered, every one answered in the window.
  const clean = { timeouts: 0, errors: 0, late: 0, lateGenerator: 0, windowResponses: 3000, windowResponses2xx: 3000 };

  it('keeps a step whose late sends, of both kinds, stay within 5%: the machine alone makes 1-2% late', () => {
    const step = stepFromRaw(makeOpenLoopRaw({ ...clean, late: 30, lateGenerator: 90 }));
    expect(step).toEqual({ offeredRps: 300, achievedRps: 300, late: 120, scheduled: 3000, sustained: true });
    expect(stepText(step)).toBe('300: 4.0% late');
  });

  it('fails a step past 5% late, short of the rate due, or with any error or timeout', () => {
    const late = stepFromRaw(makeOpenLoopRaw({ ...clean, late: 60, lateGenerator: 100 }));
    expect(late.sustained).toBe(false);
    expect(stepText(late)).toBe('300: 5.3% late, achieved 300/s (fell behind)');
    expect(stepFromRaw(makeOpenLoopRaw({ ...clean, windowResponses: 2900 })).sustained).toBe(false);
    expect(stepFromRaw(makeOpenLoopRaw({ ...clean, errors: 1 })).sustained).toBe(false);
    expect(stepFromRaw(makeOpenLoopRaw({ ...clean, timeouts: 1 })).sustained).toBe(false);
    expect(stepFromRaw(makeOpenLoopRaw({ ...clean, scheduled: 0 })).sustained).toBe(false);
  });
});
