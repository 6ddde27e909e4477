import { describe, expect, it } from 'vitest';
import {
  achievedShortfallAllowance,
  generatorLateShare,
  normalizeOpenLoop,
  OPEN_LOOP_LATE_SHARE_MAX,
  openLoopShortfall,
} from '../../harness/load/open-loop-normalize.ts';
import { OpenLoopRawSchema } from '../../harness/load/open-loop-raw.ts';
import { MeasurementSchema } from '../../harness/results/schema.ts';
import { makeOpenLoopRaw } from '../support/factories.ts';

const makeRaw = makeOpenLoopRaw;

describe('normalizeOpenLoop', () => {
  it('maps the raw output to a valid Measurement: rates over the measured window, percentiles in ms', () => {
    const m = normalizeOpenLoop(makeRaw());
    expect(MeasurementSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({
      rps: 297.5,
      achievedRps: 298,
      offeredRps: 300,
      durationS: 10,
      requests2xx: 2990,
      latencyMeanMs: 4.2,
      latencyP50Ms: 3.1,
      latencyP90Ms: 7.2,
      latencyP99Ms: 21.5,
      latencyP999Ms: 40.1,
      latencyMaxMs: 48.25,
      errors: 1,
      timeouts: 4,
      non2xx: 5,
      throughputBytesPerS: 29_800,
      generator: 'open-loop',
      arrival: 'poisson',
      scheduled: 3000,
      late: 3,
      lateToleranceMs: 2,
      lateGenerator: 5,
      generatorLagMaxMs: 3.5,
    });
  });

  it('the raw fixture satisfies the schema the parent validates the child with', () => {
    expect(OpenLoopRawSchema.safeParse(makeRaw()).success).toBe(true);
  });
});

describe('openLoopShortfall', () => {
  it('passes a cell that kept up', () => {
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw({ timeouts: 0 })))).toBeUndefined();
  });

  it('flags too many late requests held by the server (every connection busy)', () => {
    const late = Math.ceil(3000 * OPEN_LOOP_LATE_SHARE_MAX) + 1;
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw({ timeouts: 0, late })))).toMatch(/sent more than 2 ms late with every connection busy/);
  });

  it('does not fail a cell for requests the generator itself sent late, but flags it; the ceiling search counts both', () => {
    const over = Math.ceil(3000 * OPEN_LOOP_LATE_SHARE_MAX) + 1;
    const m = normalizeOpenLoop(makeRaw({ timeouts: 0, late: 0, lateGenerator: over }));
    expect(openLoopShortfall(m)).toBeUndefined();
    expect(generatorLateShare(m)).toBeCloseTo(over / 3000);
    // The ceiling search allows 5% of either kind: the machine's wake-ups alone make 1-2% late at any rate.
    expect(openLoopShortfall(m, { ceilingSearch: true })).toBeUndefined();
    const behind = normalizeOpenLoop(makeRaw({ timeouts: 0, late: 80, lateGenerator: 80 }));
    expect(openLoopShortfall(behind, { ceilingSearch: true })).toMatch(/5\.3% of requests sent more than 2 ms late \(max 5%\)/);
    // Split between the two, neither over a cell's limit: the cell stands.
    const split = normalizeOpenLoop(makeRaw({ timeouts: 0, late: 20, lateGenerator: 20 }));
    expect(openLoopShortfall(split)).toBeUndefined();
    expect(generatorLateShare(split)).toBeUndefined();
  });

  it('flags an achieved rate more than 1% below the rate due in the window', () => {
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw({ timeouts: 0, windowResponses: 2900 })))).toMatch(/achieved 290 of the 300 requests\/s due/);
  });

  it('judges the achieved rate against what was due, not the nominal rate (Poisson windows stray)', () => {
    // 300/s offered, but only 2,820 requests fell due in the 10 s window, and all were answered.
    const m = normalizeOpenLoop(makeRaw({ timeouts: 0, scheduled: 2820, windowResponses: 2820, windowResponses2xx: 2820 }));
    expect(m.offeredRps).toBe(300);
    expect(openLoopShortfall(m)).toBeUndefined();
    expect(openLoopShortfall({ ...m, achievedRps: 278 })).toMatch(/achieved 278 of the 282 requests\/s due/);
  });

  it("allows the Poisson edge effect of a slow cell's window: 3 sigma of 2 x rate x latency", () => {
    // Measured: 80.9 requests/s offered, 51 ms, 5 s window; 385 due, 76.2/s completed in the window (1.0% short), nothing late.
    const slow = { timeouts: 0, late: 0, scheduled: 385, latencyMeanMs: 51, job: { ...makeRaw().job, rateRps: 80.9, durationS: 5 } };
    const m = normalizeOpenLoop(makeRaw({ ...slow, windowResponses: 381, windowResponses2xx: 381 }));
    expect(achievedShortfallAllowance(m)).toBeCloseTo((3 * Math.sqrt(2 * 80.9 * 0.051)) / 385, 5);
    expect(openLoopShortfall(m)).toBeUndefined();
    // 3% short is past 3 sigma (2.2%): a server that fell behind.
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw({ ...slow, windowResponses: 373, windowResponses2xx: 373 })))).toMatch(/achieved 75 of the 77/);
    // A constant rate has no such noise: 1% stays the limit.
    expect(achievedShortfallAllowance({ ...m, arrival: 'constant' })).toBe(0.01);
  });

  it('flags timeouts', () => {
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw()))).toMatch(/4 requests not answered/);
  });

  it('says nothing about closed-loop measurements', () => {
    const { offeredRps: _o, scheduled: _s, late: _l, ...closed } = normalizeOpenLoop(makeRaw());
    expect(openLoopShortfall(closed)).toBeUndefined();
  });
});
