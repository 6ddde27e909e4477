import { describe, expect, it } from 'vitest';
import { latencyVerdict, p99SpreadInterval } from '../../harness/analysis/latency-verdict.ts';
import { seededRng } from '../../harness/util/random.ts';

/** n repeats around `p99` ms, each off by a seeded factor within ±noise. */
function repeats(p99: number, n: number, noise: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => p99 * (1 + noise * (2 * rng() - 1)));
}

const rng = () => seededRng(7);

describe('p99 spread interval', () => {
  it('contains the known spread of two frameworks 5% and 30% apart, and excludes the other', () => {
    const near = p99SpreadInterval([repeats(100, 9, 0.02, 1), repeats(105, 9, 0.02, 2)], rng())!;
    expect(near.low).toBeLessThanOrEqual(0.05);
    expect(near.high).toBeGreaterThanOrEqual(0.05);
    expect(near.high).toBeLessThan(0.1);
    const far = p99SpreadInterval([repeats(100, 9, 0.02, 3), repeats(130, 9, 0.02, 4)], rng())!;
    expect(far.low).toBeLessThanOrEqual(0.3);
    expect(far.high).toBeGreaterThanOrEqual(0.3);
    expect(far.low).toBeGreaterThan(0.1);
  });

  it('needs 3 repeats of every framework, and is reproducible from its seed', () => {
    expect(
      p99SpreadInterval(
        [
          [1, 2],
          [1, 2, 3],
        ],
        rng(),
      ),
    ).toBeUndefined();
    const a = p99SpreadInterval([repeats(100, 5, 0.1, 5), repeats(110, 5, 0.1, 6)], rng());
    expect(p99SpreadInterval([repeats(100, 5, 0.1, 5), repeats(110, 5, 0.1, 6)], rng())).toEqual(a);
  });
});

describe('latency verdict', () => {
  const at = (dbLatencyMs: number, ...p99s: number[][]) => ({ dbLatencyMs, p99s });

  it('converges from the first latency whose spread and every larger one lie wholly within 10%', () => {
    const v = latencyVerdict(
      [
        at(0, repeats(10, 5, 0.02, 1), repeats(30, 5, 0.02, 2)),
        at(10, repeats(20, 5, 0.01, 3), repeats(21, 5, 0.01, 4)),
        at(20, repeats(30, 5, 0.01, 5), repeats(30.5, 5, 0.01, 6)),
      ],
      () => rng(),
    );
    expect(v).toEqual({ answer: 'converged', fromMs: 10 });
  });

  it('says undecided where noisy repeats straddle 10%, never where a spread lies wholly above, and treats an unsustained latency as not converged', () => {
    const noisy = latencyVerdict([at(10, repeats(20, 5, 0.15, 7), repeats(22, 5, 0.15, 8))], () => rng());
    expect(noisy.answer).toBe('undecided');
    expect(noisy.atMs).toBe(10);
    expect(noisy.spread!.low).toBeLessThan(0.1);
    expect(noisy.spread!.high).toBeGreaterThan(0.1);
    expect(latencyVerdict([at(10, repeats(20, 5, 0.01, 9), repeats(40, 5, 0.01, 10))], () => rng()).answer).toBe('never');
    expect(latencyVerdict([{ dbLatencyMs: 10, p99s: undefined }], () => rng())).toEqual({ answer: 'never', atMs: 10 });
  });

  it('falls back to the medians below 3 repeats', () => {
    expect(latencyVerdict([at(10, [20], [21])], () => rng())).toEqual({ answer: 'converged', fromMs: 10 });
    expect(latencyVerdict([at(10, [20], [25])], () => rng())).toMatchObject({ answer: 'never', atMs: 10 });
  });
});
