import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../harness/analysis/compare.ts';
import { formatComparison } from '../../harness/report/compare-format.ts';
import { CompareJsonSchema } from '../../harness/report/compare-json.ts';
import type { Cell } from '../../harness/results/schema.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const ctx = { baseline: 'results/a', candidate: 'results/b', thresholdPct: 10 };
const flaskDb = (rps: number[]) => makeCell({ framework: 'flask', scenario: 'db', rps });
const fastapiDb = (rps: number[]) => makeCell({ framework: 'fastapi', scenario: 'db', rps });

/** A drop of flask beyond the threshold, a cell gone, and a profile that differs. */
function comparison() {
  const base = makeResults([flaskDb([1000, 1010, 990]), fastapiDb([2000])]);
  return compareRuns(base, makeResults([flaskDb([800, 805, 795])], { config: { ...base.config, profile: 'quick' } }), 0.1);
}

/** The widest cells a run makes: django-bolt, a round trip, an open-loop rate, five-digit requests/s, a failure. */
function wideComparison(mode: 'absolute' | 'relative') {
  const cell = (framework: string, rps: number[]): Cell => ({
    ...makeCell({ framework, scenario: 'slow-db', dbLatencyMs: 20, rps }),
    id: `${framework}/slow-db/c64/20ms/rtt0.5/50pct`,
    dbRttMs: 0.5,
    rateSpec: '50%',
  });
  const base = makeResults([
    cell('django-bolt', [16833, 16900, 16700]),
    cell('django', [3094, 3100, 3050]),
    makeCell({ framework: 'drf', scenario: 'db', rps: [1300, 1310, 1290] }),
  ]);
  const cand = makeResults([
    cell('django-bolt', [116833, 16100, 16000]),
    cell('django', [2094, 2100, 2050]),
    makeCell({ framework: 'drf', scenario: 'db', rps: [], failed: 'the app exited with code 1 after printing a very long traceback' }),
  ]);
  return compareRuns(base, cand, 0.1, { mode });
}

describe('formatComparison', () => {
  it('text: warnings, the mode, the common shift, the counts, then the table grouped by column', () => {
    const text = formatComparison(comparison(), ctx, 'text', 80);
    const lines = text.split('\n');
    expect(lines[0]).toBe('warning: profile differs: baseline standard, candidate quick');
    expect(lines[1]).toMatch(/^mode: absolute \(the same machine; a run has no speed reading\)/);
    expect(text).toContain('common shift: -20.0%, the median change of 1 cell: too few cells for an interval');
    expect(text).toContain('1 regressed, 1 missing, 0 improved, 0 undecided, 0 unchanged, 0 new, 0 failing');
    expect(text).toContain('Requests/s; results/b against results/a (threshold 10%)');
    expect(text).toMatch(/\ndb\/c64\n {2}flask +1,000 +800 +-20\.0% \(-21\.3 to -18\.7\) +regressed\n {2}fastapi +2,000 +- +- +missing\n/);
  });

  it('text: unchanged carries the half-width of its interval, and cells without one are summed up once', () => {
    const steady = compareRuns(makeResults([flaskDb([1000, 1010, 990]), fastapiDb([2000])]), makeResults([flaskDb([1000, 1012, 995]), fastapiDb([2100])]), 0.1);
    const text = formatComparison(steady, ctx, 'text', 200);
    expect(text).toMatch(/flask .* \+0\.0% \(-1\.5 to \+2\.2\) +unchanged ±1\.9%/);
    expect(text).toMatch(/fastapi .* \+5\.0% \(no interval\) +undecided/);
    expect(text).toContain('1 cell has fewer than 3 repeats in a run: no interval, so undecided; run with --repeat 3 or more.');
  });

  it.each(['absolute', 'relative'] as const)('text (%s): every line fits 80 columns, and 60', (mode) => {
    for (const width of [80, 60]) {
      const text = formatComparison(wideComparison(mode), ctx, 'text', width);
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(text).toContain('slow-db/c64/20ms/rtt0.5/50%');
    }
  });

  it('text (relative): says why, heads each column with how its requests/s moved, explains the ratio', () => {
    const text = formatComparison(wideComparison('relative'), ctx, 'text', 200);
    expect(text).toMatch(/^mode: relative \(--relative\): each framework is judged by its ratio to the other frameworks in its column$/m);
    // django-bolt -4.4%, django -32.3%: the median of two is their mean.
    expect(text).toMatch(/^slow-db\/c64\/20ms\/rtt0\.5\/50%: requests\/s -18\.3% \(median of 2\)$/m);
    expect(text).toContain('A column of two frameworks cannot tell which one moved');
    expect(text).toContain('drf/db/c64: regressed: failed in the candidate: verify: the app exited');
  });

  it('markdown: for a pull-request comment or a step summary, each change with its interval', () => {
    const md = formatComparison(comparison(), ctx, 'markdown');
    expect(md.startsWith('## crossover compare\n\n> **warning:** profile differs')).toBe(true);
    expect(md).toContain('**1 regressed, 1 missing, 0 improved, 0 undecided, 0 unchanged, 0 new, 0 failing**');
    expect(md).toContain('| flask/db/c64 | 1,000 | 800 | -20.0% (-21.3 to -18.7) | regressed (the whole interval lies below -10%) |');
  });

  it('json: the mode, the shift, counts, warnings and every cell with its interval, valid against its schema', () => {
    const json = JSON.parse(formatComparison(comparison(), ctx, 'json'));
    expect(CompareJsonSchema.parse(json)).toEqual(json);
    expect(json).toMatchObject({
      baseline: 'results/a',
      candidate: 'results/b',
      thresholdPct: 10,
      level: 0.95,
      mode: { mode: 'absolute' },
      commonShift: { cells: 1, machineChanged: false },
      failed: true,
      counts: { regressed: 1, missing: 1, improved: 0, undecided: 0, unchanged: 0, new: 0, failing: 0 },
      warnings: ['profile differs: baseline standard, candidate quick'],
    });
    expect(json.cells.find((c: { id: string }) => c.id === 'flask/db/c64')).toMatchObject({
      verdict: 'regressed',
      basis: 'absolute',
      changeLow: expect.closeTo(795 / 1010 - 1, 9),
      changeHigh: expect.closeTo(805 / 990 - 1, 9),
    });
  });
});
