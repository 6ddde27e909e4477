import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { machineTrend } from '../../harness/analysis/trend.ts';
import { markdownExporter } from '../../harness/report/exporters/markdown.ts';
import { signedPct, trendDetail, trendLines } from '../../harness/report/rounds.ts';
import { footnote } from '../../harness/report/tables.ts';
import { parseResults } from '../../harness/results/read.ts';
import type { MachineTrend } from '../../harness/results/trend-schema.ts';
import { syntheticRun } from '../analysis/trend-synthetic.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const trend: MachineTrend = {
  rounds: 3,
  cells: 8,
  windows: 24,
  spanS: 125,
  change: { estimate: -0.031, low: -0.05, high: -0.012 },
  limit: 0.1,
  verdict: 'steady',
  perRound: [
    { round: 0, atS: 10, cells: 8, change: 0.02, low: 0.01, high: 0.03 },
    { round: 1, atS: 60, cells: 8, change: 0.0001 },
    { dbRttMs: 0.5, round: 0, atS: 110, cells: 2, change: -0.015 },
  ],
};

describe('the machine trend in the reports', () => {
  it('says the change over the rounds with its interval and verdict, then the speed of each round', () => {
    expect(trendLines({ trend })).toEqual([
      'Machine speed over 3 rounds (2m05s): -3.1% (-5.0% to -1.2%, 95% interval), steady (the interval lies within ±10%); ' +
        'read off all 24 windows of 8 closed-loop cells, each against its own level, instead of measuring a cell again.',
      "Machine speed per round, against the mean of its round trip's rounds (95% interval over its cells): " +
        'direct path: 1: +2.0% (+1.0% to +3.0%), 2: 0.0%; round trip +0.5 ms: 1: -1.5%.',
    ]);
    expect(trendLines({ trend: { ...trend, verdict: 'drifted' } })[0]).toContain('DRIFTED (the interval lies beyond ±10%)');
    expect(trendLines({ trend: { ...trend, verdict: 'undecided' } })[0]).toContain('undecided (the interval reaches past ±10%)');
    expect(trendLines({})).toEqual([]);
  });

  it("names the change, its interval and the rounds in DRIFT's detail", () => {
    expect(trendDetail({ ...trend, change: { estimate: -0.152, low: -0.18, high: -0.125 }, verdict: 'drifted' })).toBe(
      'its speed moved -15.2% (95% interval -18.0% to -12.5%) over 3 rounds side by side (2m05s), each of 8 cells measured against its own level',
    );
  });

  it('writes signed percentages, with no sign on a change that rounds to nothing', () => {
    expect([0.031, -0.0312, 0.00004, -0.00004, 0].map(signedPct)).toEqual(['+3.1%', '-3.1%', '0.0%', '0.0%', '0.0%']);
  });

  it('puts the trend in the footnote of results.md, where the drift check stands with restarts', async () => {
    const results = makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [1000, 1010, 990] })], { trend });
    const foot = footnote(results);
    expect(foot.filter((l) => l.startsWith('Machine speed over'))).toHaveLength(1);
    const md = await markdownExporter.serialize(results, analyze(results), []);
    expect(md).toContain('Machine speed over 3 rounds (2m05s): -3.1% (-5.0% to -1.2%, 95% interval), steady');
    expect(footnote({ ...results, trend: undefined }).some((l) => l.startsWith('Machine speed over'))).toBe(false);
  });
});

describe('results.json with and without a trend', () => {
  const text = (o: object) => JSON.stringify(makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [1000] })], o));

  it('reads a results.json written before the trend existed, with no trend', () => {
    const old = JSON.parse(text({}));
    expect('trend' in old).toBe(false);
    expect(parseResults(JSON.stringify(old), 'old.json').trend).toBeUndefined();
  });

  it('reads back the trend a run recorded, figure for figure', () => {
    const recorded = machineTrend(syntheticRun({ rounds: 5, cells: 4, logPerS: -1e-4, noise: 0.05, seed: 1 }))!;
    expect(parseResults(text({ trend: recorded }), 'r.json').trend).toEqual(recorded);
  });

  it('refuses a trend with a verdict it does not know', () => {
    expect(() => parseResults(text({ trend: { ...trend, verdict: 'fine' } }), 'r.json')).toThrow(/trend\.verdict/);
  });
});
