import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { baselineTable } from '../../harness/report/baseline-table.ts';
import { seededRng } from '../../harness/util/random.ts';
import { makeCell, makeResults } from '../support/factories.ts';

/**
 * A known answer: DRF serves 0.68 of Django and Starlette 3.0 times Django in every round, while
 * the machine moves all three by up to +-25% from round to round; each window has +-1% of its own.
 */
function threeFrameworks(rounds: number, baseline: string | undefined, interleave = true) {
  const rng = seededRng(11);
  const rps: Record<string, number[]> = { django: [], drf: [], starlette: [] };
  const level: Record<string, number> = { django: 1000, drf: 680, starlette: 3000 };
  for (let r = 0; r < rounds; r++) {
    const machine = 0.75 + 0.5 * rng();
    for (const f of Object.keys(rps)) rps[f]!.push(level[f]! * machine * (0.99 + 0.02 * rng()));
  }
  const results = makeResults(Object.entries(rps).map(([framework, values]) => makeCell({ framework, scenario: 'db', rps: values })));
  const config = { ...results.config, frameworks: Object.keys(rps), repeat: rounds, interleave, ...(baseline ? { baseline } : {}) };
  return { results: { ...results, config }, analysis: analyze({ ...results, config }) };
}

describe('--baseline', () => {
  it('sets each framework against the baseline per round: the intervals hold the true 0.68 and 3.0 and are tight', () => {
    const { analysis } = threeFrameworks(15, 'django');
    const at = (f: string) => analysis.cells.find((c) => c.framework === f)!.toBaseline!;
    expect(at('django')).toEqual({ framework: 'django', ratio: 1, interval: { estimate: 1, low: 1, high: 1 } });
    for (const [f, truth] of [
      ['drf', 0.68],
      ['starlette', 3.0],
    ] as const) {
      const i = at(f).interval!;
      expect(i.low, f).toBeLessThan(truth);
      expect(i.high, f).toBeGreaterThan(truth);
      expect((i.high - i.low) / truth, f).toBeLessThan(0.03);
      expect(at(f).ratio).toBe(i.estimate);
    }
  });

  it('without pairing, the ratio of medians still holds the truth, with a wider interval', () => {
    const paired = threeFrameworks(15, 'django').analysis.cells.find((c) => c.framework === 'drf')!.toBaseline!.interval!;
    const apart = threeFrameworks(15, 'django', false).analysis.cells.find((c) => c.framework === 'drf')!.toBaseline!.interval!;
    expect(apart.low).toBeLessThan(0.68);
    expect(apart.high).toBeGreaterThan(0.68);
    expect(apart.high - apart.low).toBeGreaterThan(2 * (paired.high - paired.low));
  });

  it('is absent without --baseline, and has no interval below 3 rounds', () => {
    expect(threeFrameworks(15, undefined).analysis.cells.every((c) => c.toBaseline === undefined)).toBe(true);
    const two = threeFrameworks(2, 'django').analysis.cells.find((c) => c.framework === 'drf')!.toBaseline!;
    expect(two.interval).toBeUndefined();
    expect(two.ratio).toBeGreaterThan(0.6);
  });

  it('prints a table of multiples with their intervals, and none without a baseline', () => {
    const { results, analysis } = threeFrameworks(15, 'django');
    const table = baselineTable(results, analysis)!;
    expect(table.title).toBe('Requests/s as a multiple of django per column (--baseline django)');
    expect(table.rows[0]![1]).toBe('1.00x');
    expect(table.rows[1]![1]).toMatch(/^0\.68x \(0\.6\d-0\.\d\d\)$/);
    const none = threeFrameworks(15, undefined);
    expect(baselineTable(none.results, none.analysis)).toBeUndefined();
  });

  it('refuses a baseline that is not a framework of the run, before anything starts', () => {
    const known = { frameworks: ['django', 'flask'], scenarios: ['json'] };
    const now = new Date('2026-12-07T00:00:00Z');
    expect(resolveRunConfig({ baseline: 'flask' }, known, now).baseline).toBe('flask');
    expect(() => resolveRunConfig({ baseline: 'drf' }, known, now)).toThrow(/--baseline drf is not a framework of this run/);
    expect(() => resolveRunConfig({ frameworks: 'django', baseline: 'flask' }, known, now)).toThrow(/not a framework of this run/);
  });
});
