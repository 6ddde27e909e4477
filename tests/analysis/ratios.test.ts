import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { seededRng } from '../../harness/util/random.ts';
import { makeCell, makeResults } from '../support/factories.ts';

/**
 * A known answer: Flask serves 0.80 of FastAPI in every round, while the machine's speed
 * moves both by up to +-25% from round to round (as this host's Python speed moves within
 * seconds). The rounds pair the two, so the machine cancels in each round's ratio.
 */
function twoFrameworks(rounds: number, interleave: boolean) {
  const rng = seededRng(7);
  const fastapi: number[] = [];
  const flask: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const machine = 0.75 + 0.5 * rng();
    // Each window's own noise: +-1%.
    fastapi.push(4000 * machine * (0.99 + 0.02 * rng()));
    flask.push(3200 * machine * (0.99 + 0.02 * rng()));
  }
  const results = makeResults([makeCell({ framework: 'fastapi', scenario: 'db', rps: fastapi }), makeCell({ framework: 'flask', scenario: 'db', rps: flask })]);
  return analyze({ ...results, config: { ...results.config, repeat: rounds, interleave } });
}

describe('ratio intervals', () => {
  it('pairs interleaved rounds: the interval of the ratio holds the true 0.80 and is tight although the machine moved 50%', () => {
    const flask = twoFrameworks(15, true).cells.find((c) => c.framework === 'flask')!;
    const i = flask.shareOfFastestInterval!;
    expect(i.low).toBeLessThan(0.8);
    expect(i.high).toBeGreaterThan(0.8);
    expect(i.high - i.low).toBeLessThan(0.03);
    expect(flask.shareOfFastest).toBe(i.estimate);
    // Its own requests/s moved with the machine: a wide interval, honestly.
    const rps = flask.rpsInterval!;
    expect((rps.high - rps.low) / rps.estimate).toBeGreaterThan(0.1);
  });

  it('without pairing (--no-interleave) the same data give a far wider ratio interval', () => {
    const paired = twoFrameworks(15, true).cells.find((c) => c.framework === 'flask')!.shareOfFastestInterval!;
    const apart = twoFrameworks(15, false).cells.find((c) => c.framework === 'flask')!.shareOfFastestInterval!;
    expect(apart.high - apart.low).toBeGreaterThan(3 * (paired.high - paired.low));
  });

  it('gives the fastest exactly 1, and no interval below 3 rounds', () => {
    const analysis = twoFrameworks(15, true);
    expect(analysis.cells.find((c) => c.framework === 'fastapi')!.shareOfFastestInterval).toEqual({ estimate: 1, low: 1, high: 1 });
    const two = twoFrameworks(2, true).cells.find((c) => c.framework === 'flask')!;
    expect(two.shareOfFastestInterval).toBeUndefined();
    expect(two.rpsInterval).toBeUndefined();
  });

  it('is reproducible: the same results give the same intervals', () => {
    const a = twoFrameworks(9, true).cells.find((c) => c.framework === 'flask')!;
    const b = twoFrameworks(9, true).cells.find((c) => c.framework === 'flask')!;
    expect(a.shareOfFastestInterval).toEqual(b.shareOfFastestInterval);
  });
});
