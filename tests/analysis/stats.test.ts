import { describe, expect, it } from 'vitest';
import { median, spread } from '../../harness/analysis/stats.ts';

describe('statistics', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('gives min, max and the sample coefficient of variation', () => {
    const s = spread([900, 1000, 1100]);
    expect(s).toMatchObject({ median: 1000, min: 900, max: 1100, n: 3 });
    expect(s.cv).toBeCloseTo(0.1, 10);
    expect(spread([5]).cv).toBe(0);
  });
});
