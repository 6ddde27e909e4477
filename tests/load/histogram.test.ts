import { describe, expect, it } from 'vitest';
import { newLatencyHistogram, percentileAtMost } from '../../harness/load/open-loop-histogram.ts';

describe('percentileAtMost', () => {
  it('never reads a percentile above the largest value recorded', () => {
    const h = newLatencyHistogram();
    for (let i = 0; i < 100; i++) h.recordValue(1_000);
    // Two requests of 9,883 ms: p99 falls in their bucket, whose top lies above them.
    h.recordValue(9_883_000);
    h.recordValue(9_883_000);
    expect(h.getValueAtPercentile(99)).toBeGreaterThan(9_883_000);
    expect(percentileAtMost(h, 99)).toBe(9_883_000);
    // Below the maximum, the value is HDR's own.
    expect(percentileAtMost(h, 50)).toBe(h.getValueAtPercentile(50));
  });
});
