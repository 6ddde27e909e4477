import { describe, expect, it } from 'vitest';
import { columnHalfWidth } from '../../harness/analysis/precision.ts';

describe('columnHalfWidth', () => {
  it('is 0 when every round gives the same ratio, however much the rounds moved together', () => {
    const base = [1000, 1400, 700, 1200, 900];
    expect(columnHalfWidth([base, base.map((x) => x * 0.8)], 1)).toBeCloseTo(0, 12);
  });

  it('grows with noise of one framework against the other, and names no figure below 3 rounds', () => {
    const fast = [1000, 1000, 1000, 1000, 1000, 1000, 1000];
    const noisy = [800, 880, 760, 850, 700, 820, 900];
    const wide = columnHalfWidth([fast, noisy], 1)!;
    expect(wide).toBeGreaterThan(0.05);
    expect(columnHalfWidth([fast.slice(0, 2), noisy.slice(0, 2)], 1)).toBeUndefined();
  });

  it('is 0 for a column of one framework, and infinite when a round served nothing', () => {
    expect(columnHalfWidth([[1, 2, 3]], 1)).toBe(0);
    expect(
      columnHalfWidth(
        [
          [1000, 1000, 1000],
          [0, 0, 0],
        ],
        1,
      ),
    ).toBe(Number.POSITIVE_INFINITY);
  });
});
