import { describe, expect, it } from 'vitest';
import { convergedAnswer, crossoverVerdict, type RatioAt } from '../../harness/analysis/verdict.ts';

const at = (framework: string, ratio: number, low?: number, high?: number): RatioAt => ({
  framework,
  ratio,
  interval: low === undefined ? undefined : { estimate: ratio, low, high: high! },
});
const label = (ms: number) => `${ms} ms`;

describe('convergedAnswer', () => {
  it('is yes, no or undecided by where the interval lies against 0.9, and a point estimate without one', () => {
    expect(convergedAnswer(at('DRF', 0.95, 0.92, 0.98))).toBe('yes');
    expect(convergedAnswer(at('DRF', 0.8, 0.78, 0.83))).toBe('no');
    expect(convergedAnswer(at('DRF', 0.91, 0.87, 0.95))).toBe('undecided');
    expect(convergedAnswer(at('DRF', 0.91))).toBe('yes');
    expect(convergedAnswer(at('DRF', 0.89))).toBe('no');
  });
});

describe('crossoverVerdict', () => {
  it('places the crossover at the smallest latency from which every interval lies above 0.9, and names the slowest there', () => {
    const v = crossoverVerdict(
      new Map([
        [5, [at('Django', 1, 1, 1), at('DRF', 0.6, 0.58, 0.62)]],
        [10, [at('Django', 1, 1, 1), at('DRF', 0.8, 0.78, 0.83)]],
        [20, [at('Django', 1, 1, 1), at('DRF', 0.95, 0.93, 0.97)]],
        [50, [at('Django', 0.99, 0.97, 1.01), at('DRF', 1, 1, 1)]],
      ]),
      label,
      9,
    );
    expect(v).toMatchObject({ answer: 'converged', fromMs: 20, basis: 'intervals', rounds: 9 });
    expect(v.undecidedAtMs).toBeUndefined();
    expect(v.sentence).toContain('From 20 ms of database latency on');
    expect(v.sentence).toContain('the slowest, DRF, at 0.95 (0.93-0.97) of it; 95% intervals over 9 rounds');
  });

  it('says undecided where an interval straddles the line below the crossover, instead of a false no', () => {
    const v = crossoverVerdict(
      new Map([
        [10, [at('Django', 1, 1, 1), at('DRF', 0.9, 0.86, 0.94)]],
        [20, [at('Django', 1, 1, 1), at('DRF', 0.96, 0.93, 0.99)]],
      ]),
      label,
      5,
    );
    expect(v).toMatchObject({ answer: 'converged', fromMs: 20, undecidedAtMs: 10 });
    expect(v.sentence).toContain('At 10 ms it is undecided: DRF 0.90 (0.86-0.94) straddle 0.90');
  });

  it('is undecided, not never, when the largest latency straddles, and never when it lies below', () => {
    const undecided = crossoverVerdict(new Map([[20, [at('Django', 1, 1, 1), at('DRF', 0.9, 0.85, 0.95)]]]), label, 4);
    expect(undecided).toMatchObject({ answer: 'undecided', undecidedAtMs: 20 });
    expect(undecided.fromMs).toBeUndefined();
    const never = crossoverVerdict(new Map([[20, [at('Django', 1, 1, 1), at('DRF', 0.7, 0.68, 0.72)]]]), label, 4);
    expect(never).toMatchObject({ answer: 'never' });
    expect(never.sentence).toContain('Frameworks never came within 10% of each other in this sweep: at 20 ms, DRF 0.70 (0.68-0.72)');
  });

  it('says never only when every setting lies below, and names the settings that were within 10% or undecided', () => {
    const v = crossoverVerdict(
      new Map([
        [5, [at('Django', 1, 1, 1), at('DRF', 0.6, 0.55, 0.65)]],
        [10, [at('Django', 1, 1, 1), at('DRF', 0.95, 0.92, 0.98)]],
        [20, [at('Django', 1, 1, 1), at('DRF', 0.88, 0.8, 0.96)]],
        [50, [at('Django', 1, 1, 1), at('DRF', 0.8, 0.75, 0.85), at('Flask', 0.9, 0.8, 1.1)]],
      ]),
      label,
      4,
    );
    expect(v.answer).toBe('never');
    expect(v.sentence).not.toContain('never came within');
    expect(v.sentence).toContain('not within 10% of each other at the end of this sweep: at 50 ms, DRF 0.80 (0.75-0.85) of the fastest lies below 0.90');
    expect(v.sentence).not.toContain('Flask 0.90');
    expect(v.sentence).toContain('At 10 ms every framework was within 10% of the fastest. At 20 ms it is undecided.');
    const two = crossoverVerdict(
      new Map([
        [10, [at('Django', 1, 1, 1), at('DRF', 0.9, 0.8, 1)]],
        [20, [at('Django', 1, 1, 1), at('DRF', 0.9, 0.8, 1)]],
        [50, [at('Django', 1, 1, 1), at('DRF', 0.8, 0.75, 0.85), at('Flask', 0.7, 0.6, 0.8)]],
      ]),
      label,
      4,
    );
    expect(two.sentence).toContain('DRF 0.80 (0.75-0.85) and Flask 0.70 (0.60-0.80) of the fastest lie below 0.90');
    expect(two.sentence).toContain('At 10 ms and 20 ms it is undecided.');
  });

  it('says when it rests on point estimates (fewer than 3 rounds)', () => {
    const v = crossoverVerdict(new Map([[20, [at('Django', 1), at('DRF', 0.95)]]]), label, 1);
    expect(v).toMatchObject({ answer: 'converged', fromMs: 20, basis: 'point' });
    expect(v.sentence).toContain('point estimates: 1 round(s), too few for an interval');
  });
});
