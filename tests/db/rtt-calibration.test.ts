import { describe, expect, it } from 'vitest';
import { nextOverheadMs } from '../../harness/db/rtt-path.ts';

describe('nextOverheadMs (the delay proxy calibration step)', () => {
  it('takes what the path added beyond the request off the delay', () => {
    // Asked 1 ms, got 1.4 ms with no correction yet: take 0.4 ms off.
    expect(nextOverheadMs(1, 0, 1.4)).toBeCloseTo(0.4, 6);
  });

  it('gives back an over-correction when the path came out short', () => {
    // With 0.4 ms taken off the path gave 0.75 ms (the machine got quieter): take off only 0.15 ms.
    expect(nextOverheadMs(1, 0.4, 0.75)).toBeCloseTo(0.15, 6);
  });

  it('stays between no correction and the whole request', () => {
    expect(nextOverheadMs(0.5, 0, 0.3)).toBe(0);
    expect(nextOverheadMs(0.5, 0.4, 2)).toBe(0.5);
  });
});
