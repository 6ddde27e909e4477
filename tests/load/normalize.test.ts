import { describe, expect, it } from 'vitest';
import { AutocannonResultSchema } from '../../harness/load/autocannon.ts';
import { normalizeAutocannon } from '../../harness/load/normalize.ts';

/** The fields of an autocannon 8 result the harness reads (a recorded run, trimmed). */
const RAW = AutocannonResultSchema.parse({
  duration: 5.01,
  errors: 3,
  timeouts: 2,
  non2xx: 7,
  resets: 0,
  '2xx': 10020,
  latency: { average: 31.4, p50: 29, p90: 40, p99: 61, max: 120, min: 1 },
  requests: { average: 2004.2, total: 10027, sent: 10091 },
  throughput: { average: 350_000 },
});

describe('normalizeAutocannon', () => {
  it('counts 2xx responses only in rps, over the measured duration', () => {
    const m = normalizeAutocannon(RAW);
    expect(m.rps).toBeCloseTo(10020 / 5.01, 6);
    expect(m.requests2xx).toBe(10020);
    expect(m.autocannonRequestsAverage).toBe(2004.2);
  });

  it('prefers the exact mean latency over autocannon’s whole-millisecond one, and keeps the percentiles', () => {
    expect(normalizeAutocannon(RAW).latencyMeanMs).toBe(31.4);
    expect(normalizeAutocannon(RAW, 30.87).latencyMeanMs).toBe(30.87);
    expect(normalizeAutocannon(RAW)).toMatchObject({ latencyP50Ms: 29, latencyP90Ms: 40, latencyP99Ms: 61, latencyMaxMs: 120 });
  });

  it('keeps errors, timeouts and non-2xx, and gives 0 rps for a zero-length run', () => {
    expect(normalizeAutocannon(RAW)).toMatchObject({ errors: 3, timeouts: 2, non2xx: 7, resets: 0, throughputBytesPerS: 350_000 });
    expect(normalizeAutocannon({ ...RAW, duration: 0 }).rps).toBe(0);
  });
});
