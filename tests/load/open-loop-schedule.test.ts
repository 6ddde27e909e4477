import { describe, expect, it } from 'vitest';
import { mD1MeanMs, scheduleMs, scheduleWindow, singleServerMeanMs } from '../../harness/load/open-loop-schedule.ts';
import { seededRng as seededRandom } from '../../harness/util/random.ts';

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('scheduleMs', () => {
  it('spaces constant arrivals exactly 1/rate apart, without drift', () => {
    const times = scheduleWindow('constant', 300, 1, 0, 10_000);
    expect(times).toHaveLength(3000);
    expect(times[0]).toBe(0);
    for (const gap of gaps(times)) expect(gap).toBeCloseTo(1000 / 300, 9);
    expect(times[2999]).toBeCloseTo(2999 * (1000 / 300), 9);
  });

  it('gives Poisson gaps with mean and variance of an exponential (mean 1/rate, sd = mean)', () => {
    const rateRps = 500;
    const g = gaps(scheduleWindow('poisson', rateRps, 42, 0, 200_000));
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length;
    // ~100,000 gaps: the sample mean and variance are within 1-2% of 2 ms and 4 ms².
    expect(mean).toBeGreaterThan(2 * 0.98);
    expect(mean).toBeLessThan(2 * 1.02);
    expect(variance).toBeGreaterThan(4 * 0.95);
    expect(variance).toBeLessThan(4 * 1.05);
    // Memoryless: about e^-1 of the gaps are longer than the mean.
    expect(g.filter((x) => x > 2).length / g.length).toBeCloseTo(Math.exp(-1), 2);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = scheduleWindow('poisson', 1000, 7, 0, 100);
    expect(scheduleWindow('poisson', 1000, 7, 0, 100)).toEqual(a);
    expect(scheduleWindow('poisson', 1000, 8, 0, 100)).not.toEqual(a);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => scheduleMs('constant', 0, 1).next()).toThrow(/rate must be > 0/);
  });

  it('seededRandom stays in [0, 1)', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 10_000; i++) {
      const u = random();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });
});

describe('queueing predictions', () => {
  it('M/D/1 mean: S at no load, 1.5 S at rho 0.5, 3 S at rho 0.8', () => {
    expect(mD1MeanMs(2, 0)).toBe(2);
    expect(mD1MeanMs(2, 0.5)).toBeCloseTo(3, 9);
    expect(mD1MeanMs(2, 0.8)).toBeCloseTo(6, 9);
  });

  it("Lindley's recursion queues arrivals behind a busy server", () => {
    // Three arrivals at once, S = 1: response times 1, 2, 3.
    expect(singleServerMeanMs([0, 0, 0], 1, 0, 10)).toBeCloseTo(2, 9);
    // Spaced wider than S: no queueing.
    expect(singleServerMeanMs([0, 5, 10], 1, 0, 20)).toBeCloseTo(1, 9);
    // Only arrivals in the window count, but earlier ones still occupy the server.
    expect(singleServerMeanMs([0, 0, 0], 1, 0.5, 10)).toBe(0);
  });

  it('the simulated M/D/1 mean of a long Poisson run (800 rps, S = 1 ms, 160,000 arrivals) is within 5% of the formula', () => {
    const arrivals = scheduleWindow('poisson', 800, 11, 0, 200_000);
    expect(singleServerMeanMs(arrivals, 1, 1000, 200_000) / mD1MeanMs(1, 0.8)).toBeCloseTo(1, 1);
  });
});
