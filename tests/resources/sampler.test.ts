import { describe, expect, it } from 'vitest';
import { summarizeSamples } from '../../harness/resources/sampler.ts';

describe('summarizeSamples', () => {
  it('turns cumulative CPU seconds into mean and peak utilisation of the allotted cores', () => {
    const samples = [
      { atMs: 0, reading: { cpuS: 10, memBytes: 100 } },
      { atMs: 250, reading: { cpuS: 10.25, memBytes: 200 } },
      { atMs: 500, reading: { cpuS: 10.3, memBytes: 300 } },
      { atMs: 1000, reading: { cpuS: 10.5, memBytes: 200 } },
    ];
    const usage = summarizeSamples(samples, 1)!;
    expect(usage.cpuMeanUtil).toBeCloseTo(0.5, 10);
    expect(usage.cpuPeakUtil).toBeCloseTo(1, 10);
    expect(usage.memPeakBytes).toBe(300);
    expect(usage.memMeanBytes).toBe(200);
    expect(summarizeSamples(samples, 2)!.cpuMeanUtil).toBeCloseTo(0.25, 10);
    expect(summarizeSamples(samples.slice(0, 1), 1)).toBeUndefined();
  });
});
