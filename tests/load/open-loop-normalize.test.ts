import { describe, expect, it } from 'vitest';
import { generatorLateShare, normalizeOpenLoop, OPEN_LOOP_LATE_SHARE_MAX, openLoopShortfall } from '../../harness/load/open-loop-normalize.ts';
import { type OpenLoopRaw, OpenLoopRawSchema } from '../../harness/load/open-loop-raw.ts';
import { MeasurementSchema } from '../../harness/results/schema.ts';

function makeRaw(o: Partial<OpenLoopRaw> = {}): OpenLoopRaw {
  return {
    generator: 'open-loop',
    job: {
      url: 'http://127.0.0.1:1/json',
      connections: 64,
      rateRps: 300,
      arrival: 'poisson',
      seed: 277,
      warmupS: 1,
      durationS: 10,
      timeoutS: 10,
      lateToleranceMs: 2,
    },
    elapsedS: 11.01,
    scheduled: 3000,
    sent: 3000,
    late: 3,
    lateGenerator: 5,
    generatorLagMaxMs: 3.5,
    responses: 2995,
    responses2xx: 2990,
    non2xx: 5,
    errors: 1,
    timeouts: 4,
    windowResponses: 2980,
    windowResponses2xx: 2975,
    windowBytes: 298_000,
    latencySumMs: 2995 * 4.2,
    latencyMinMs: 2.1,
    latencyMaxMs: 48.25,
    fromSendSumMs: 2995 * 4.1,
    sendLagSumMs: 30,
    sendLagMaxMs: 3.5,
    warmupScheduled: 300,
    warmupErrors: 0,
    latencyMeanMs: 4.2,
    fromSendMeanMs: 4.1,
    sendLagMeanMs: 0.01,
    percentilesUs: { p50: 3100, p90: 7200, p99: 21_500, p999: 40_100 },
    fromSendPercentilesUs: { p50: 3000, p90: 7000, p99: 21_000, p999: 40_000 },
    histogram: 'HISTFAAAA',
    fromSendHistogram: 'HISTFAAAA',
    ...o,
  };
}

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
    expect(openLoopShortfall(m, { generatorLateCounts: true })).toMatch(/1\.0% of requests sent more than 2 ms late \(max 1%\)/);
    // Split between the two, neither over the limit: the cell stands, the search step does not.
    const split = normalizeOpenLoop(makeRaw({ timeouts: 0, late: 20, lateGenerator: 20 }));
    expect(openLoopShortfall(split)).toBeUndefined();
    expect(generatorLateShare(split)).toBeUndefined();
    expect(openLoopShortfall(split, { generatorLateCounts: true })).toMatch(/1\.3% of requests/);
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

  it('flags timeouts', () => {
    expect(openLoopShortfall(normalizeOpenLoop(makeRaw()))).toMatch(/4 requests not answered/);
  });

  it('says nothing about closed-loop measurements', () => {
    const { offeredRps: _o, scheduled: _s, late: _l, ...closed } = normalizeOpenLoop(makeRaw());
    expect(openLoopShortfall(closed)).toBeUndefined();
  });
});
