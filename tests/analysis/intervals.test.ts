import { describe, expect, it } from 'vitest';
import {
  above,
  bootstrapInterval,
  halfWidth,
  type Interval,
  MIN_SAMPLE,
  medianInterval,
  medianOf,
  pairedRatioInterval,
  ratioOfMediansInterval,
  sideOf,
} from '../../harness/analysis/intervals.ts';
import { type Rng, seededRng, seedFor } from '../../harness/util/random.ts';
import { logNormal, normal } from '../support/distributions.ts';

/** P(Binomial(n, p) <= k). */
function binomialCdf(n: number, p: number, k: number): number {
  let total = 0;
  let term = (1 - p) ** n;
  for (let i = 0; i <= k; i++) {
    total += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return total;
}

/**
 * The coverage the percentile bootstrap of a median of n (odd) values must have. A resample's
 * median is one of the values; it is at most the j-th smallest when more than half the draws
 * are, P(Binomial(n, j/n) >= (n+1)/2). The interval's low end is the smallest j where that
 * exceeds 2.5%, the high end its mirror, and [x(k), x(n+1-k)] covers the true median unless
 * fewer than k values fall below it (or above): 1 - 2 P(Binomial(n, 1/2) <= k-1), whatever
 * the distribution. (Only for n where no j lies near 2.5%, so 2,000 resamples pick it surely.)
 */
function bootstrapMedianCoverage(n: number): number {
  const half = (n + 1) / 2;
  let k = 1;
  while (1 - binomialCdf(n, k / n, half - 1) <= 0.025) k++;
  return 1 - 2 * binomialCdf(n, 0.5, k - 1);
}

/**
 * How many of `trials` seeded experiments put the true value inside the interval. 1,000
 * experiments: a method that covers p of the time lands within p +- 3.29 binomial standard
 * deviations (99.9% of the time); for p = 0.95 that is +-0.023.
 */
const TRIALS = 1000;
const band = (p: number) => 3.29 * Math.sqrt((p * (1 - p)) / TRIALS);
function coverage(seed: number, truth: number, experiment: (rng: Rng) => Interval | undefined): number {
  const rng = seededRng(seed);
  let covered = 0;
  for (let t = 0; t < TRIALS; t++) {
    const i = experiment(rng)!;
    if (i.low <= truth && truth <= i.high) covered++;
  }
  return covered / TRIALS;
}

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between seeds and per text', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, seededRng(43))).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seedFor('django/db/c64', 1)).not.toBe(seedFor('flask/db/c64', 1));
    expect(seedFor('django/db/c64', 1)).toBe(seedFor('django/db/c64', 1));
  });

  it('are uniform enough: the mean of 100,000 draws is 0.5 within 4 standard errors', () => {
    const rng = seededRng(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += rng();
    // A uniform draw has sd 1/sqrt(12); the mean of 100,000 has sd 0.00091.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(4 * (1 / Math.sqrt(12) / Math.sqrt(100_000)));
  });
});

describe('bootstrap intervals', () => {
  const xs = [980, 1010, 995, 1003, 990, 1021, 970];

  it('are reproducible: the same data and seed give the same interval; the estimate is the data’s own', () => {
    const one = medianInterval(xs, { rng: seededRng(1) });
    expect(medianInterval(xs, { rng: seededRng(1) })).toEqual(one);
    expect(one).toMatchObject({ estimate: 995, level: 0.95 });
    expect(one!.low).toBeLessThan(995);
    expect(one!.high).toBeGreaterThan(995);
  });

  it(`give no interval below ${MIN_SAMPLE} values, rather than a zero-width one`, () => {
    const rng = seededRng(1);
    expect(medianInterval([1000], { rng })).toBeUndefined();
    expect(medianInterval([1000, 1100], { rng })).toBeUndefined();
    expect(ratioOfMediansInterval([1000, 1100, 1050], [900, 950], { rng })).toBeUndefined();
    expect(pairedRatioInterval([1, 2], [1, 2], { rng })).toBeUndefined();
    expect(bootstrapInterval([[1, 2, 3], [4]], (s) => s[0]![0]!, { rng })).toBeUndefined();
  });

  it('n = 3: the median’s interval is the whole range, the ratio’s is min/max to max/min', () => {
    const a = [1000, 1100, 950];
    const b = [800, 900, 820];
    expect(medianInterval(a, { rng: seededRng(3) })).toMatchObject({ low: 950, high: 1100 });
    expect(ratioOfMediansInterval(a, b, { rng: seededRng(3) })).toMatchObject({ estimate: 1000 / 820, low: 950 / 900, high: 1100 / 800 });
  });

  it('paired ratios need rounds that pair', () => {
    expect(() => pairedRatioInterval([1, 2, 3], [1, 2], { rng: seededRng(1) })).toThrow(/3 numerator rounds against 2/);
    expect(pairedRatioInterval([2, 4, 6], [1, 2, 3], { rng: seededRng(1) })).toMatchObject({ estimate: 2, low: 2, high: 2 });
  });

  it('the generic bootstrap of one sample’s median draws exactly what medianInterval draws', () => {
    const generic = bootstrapInterval([xs], (s) => medianOf(s[0]!), { rng: seededRng(9) });
    expect(generic).toEqual(medianInterval(xs, { rng: seededRng(9) }));
  });

  it('a ratio whose median is 0 has no interval', () => {
    expect(ratioOfMediansInterval([1, 2, 3], [0, 0, 0], { rng: seededRng(1) })).toBeUndefined();
  });
});

describe('calibration against known answers (1,000 seeded experiments each)', () => {
  it.each([3, 5, 11])('the median of %i log-normal values: coverage as order statistics predict', (n) => {
    const expected = bootstrapMedianCoverage(n);
    const got = coverage(100 + n, 1000, (rng) => medianInterval(logNormal(rng, n, 1000, 0.1), { rng }));
    expect(Math.abs(got - expected), `n=${n}: covered ${got}, expected ${expected.toFixed(4)}`).toBeLessThanOrEqual(band(expected));
  });

  it('n = 3 really covers 75% and n = 5 94%, not 95%: the figures docs/analysis.md gives', () => {
    expect(bootstrapMedianCoverage(3)).toBe(0.75);
    expect(bootstrapMedianCoverage(5)).toBe(1 - 2 / 32);
  });

  it('the ratio of two medians of 3, true ratio 0.90: covered 90% of the time (all 3 of one run beyond all 3 of the other: 2 / C(6,3))', () => {
    const got = coverage(200, 0.9, (rng) => ratioOfMediansInterval(logNormal(rng, 3, 900, 0.1), logNormal(rng, 3, 1000, 0.1), { rng }));
    expect(Math.abs(got - 0.9)).toBeLessThanOrEqual(band(0.9));
  });

  it('the ratio of two medians of 25, true ratio 0.90: about 95%', () => {
    const got = coverage(300, 0.9, (rng) => ratioOfMediansInterval(logNormal(rng, 25, 900, 0.1), logNormal(rng, 25, 1000, 0.1), { rng }));
    expect(Math.abs(got - 0.95), `covered ${got}`).toBeLessThanOrEqual(band(0.95));
  });

  /** 25 rounds in which each round's machine speed (sd 20%) moves both frameworks alike: the noise pairing cancels. */
  const rounds = (rng: Rng) => {
    const round = Array.from({ length: 25 }, () => Math.exp(0.2 * normal(rng)));
    return { a: round.map((r) => r * 900 * Math.exp(0.03 * normal(rng))), b: round.map((r) => r * 1000 * Math.exp(0.03 * normal(rng))) };
  };

  it('paired per-round ratios, true median 0.90, rounds that move both by 20%: about 95%', () => {
    const got = coverage(400, 0.9, (rng) => {
      const { a, b } = rounds(rng);
      return pairedRatioInterval(a, b, { rng });
    });
    expect(Math.abs(got - 0.95), `covered ${got}`).toBeLessThanOrEqual(band(0.95));
  });

  it('pairing the rounds makes that interval over 4x narrower than the ratio of the two medians', () => {
    const rng = seededRng(450);
    let paired = 0;
    let unpaired = 0;
    for (let t = 0; t < 100; t++) {
      const { a, b } = rounds(rng);
      const p = pairedRatioInterval(a, b, { rng })!;
      const u = ratioOfMediansInterval(a, b, { rng })!;
      paired += p.high - p.low;
      unpaired += u.high - u.low;
    }
    expect(paired * 4).toBeLessThan(unpaired);
  });

  it('small samples give wide intervals: n = 3 is never narrower than its range, and 2x wider than n = 25 on average', () => {
    const rng = seededRng(500);
    let width3 = 0;
    let width25 = 0;
    for (let t = 0; t < 200; t++) {
      const three = logNormal(rng, 3, 1000, 0.1);
      const i = ratioOfMediansInterval(three, logNormal(rng, 3, 1000, 0.1), { rng })!;
      const m = medianInterval(three, { rng })!;
      expect(m.high - m.low).toBe(Math.max(...three) - Math.min(...three));
      width3 += i.high - i.low;
      const j = ratioOfMediansInterval(logNormal(rng, 25, 1000, 0.1), logNormal(rng, 25, 1000, 0.1), { rng })!;
      width25 += j.high - j.low;
    }
    expect(width3).toBeGreaterThan(2 * width25);
  });
});

describe('statements from intervals', () => {
  const interval = (low: number, high: number) => ({ low, high });

  it('"within 10% of the fastest": yes when the whole interval is above 0.9, no when below, undecided when it straddles or touches', () => {
    expect(above(interval(0.92, 0.97), 0.9)).toBe('yes');
    expect(above(interval(0.8, 0.88), 0.9)).toBe('no');
    expect(above(interval(0.87, 0.93), 0.9)).toBe('undecided');
    expect(above(interval(0.9, 0.95), 0.9)).toBe('undecided');
    expect(above(undefined, 0.9)).toBe('undecided');
  });

  it('sides and half-widths', () => {
    expect(sideOf(interval(-0.2, -0.12), -0.1)).toBe('below');
    expect(sideOf(interval(0.12, 0.2), 0.1)).toBe('above');
    expect(sideOf(interval(-0.12, -0.05), -0.1)).toBe('straddles');
    expect(halfWidth(interval(-0.03, 0.05))).toBeCloseTo(0.04, 12);
  });
});
