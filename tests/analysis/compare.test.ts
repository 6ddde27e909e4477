import { describe, expect, it } from 'vitest';
import { compareRuns, noiseReason } from '../../harness/analysis/compare.ts';
import { spread } from '../../harness/analysis/stats.ts';
import { formatComparison } from '../../harness/commands/compare.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const flaskDb = (rps: number[], o: { failed?: string } = {}) => makeCell({ framework: 'flask', scenario: 'db', rps, ...o });
const fastapiDb = (rps: number[], o: { failed?: string } = {}) => makeCell({ framework: 'fastapi', scenario: 'db', rps, ...o });
const ctx = { baseline: 'results/a', candidate: 'results/b', thresholdPct: 10 };

describe('compareRuns', () => {
  it('a baseline cell missing from the candidate is counted as missing and fails the comparison', () => {
    const r = compareRuns(makeResults([flaskDb([1000]), fastapiDb([2000])]), makeResults([flaskDb([1000])]), 0.1);
    expect(r.changes.find((c) => c.id === 'fastapi/db/c64')).toMatchObject({ verdict: 'missing', baselineRps: 2000 });
    expect(r.counts).toMatchObject({ missing: 1, unchanged: 1, regressed: 0 });
    expect(r.failed).toBe(true);
  });

  it('a cell that worked and failed (or was not measured) in the candidate is a regression', () => {
    const failed = compareRuns(makeResults([flaskDb([1000])]), makeResults([flaskDb([], { failed: 'the database exited' })]), 0.1);
    expect(failed.changes[0]).toMatchObject({ verdict: 'regressed', reason: 'failed in the candidate: verify: the database exited' });
    expect(failed.failed).toBe(true);
    const unmeasured = makeResults([{ ...flaskDb([1000]), repeats: [] }]);
    expect(compareRuns(makeResults([flaskDb([1000])]), unmeasured, 0.1).changes[0]).toMatchObject({
      verdict: 'regressed',
      reason: expect.stringContaining('in the candidate'),
    });
  });

  it('failing in both runs is "failing", not a regression; failing then working is an improvement', () => {
    const both = compareRuns(makeResults([flaskDb([], { failed: 'x' })]), makeResults([flaskDb([], { failed: 'y' })]), 0.1);
    expect(both.changes[0]?.verdict).toBe('failing');
    expect(both.failed).toBe(false);
    const fixed = compareRuns(makeResults([flaskDb([], { failed: 'x' })]), makeResults([flaskDb([900])]), 0.1);
    expect(fixed.changes[0]).toMatchObject({ verdict: 'improved', candidateRps: 900 });
  });

  it("a drop beyond the threshold and beyond both runs' spread is a regression; a rise is an improvement", () => {
    const down = compareRuns(makeResults([flaskDb([1000, 1010, 990])]), makeResults([flaskDb([800, 805, 795])]), 0.1);
    expect(down.changes[0]).toMatchObject({ verdict: 'regressed', change: expect.closeTo(-0.2, 9) });
    expect(down.failed).toBe(true);
    const up = compareRuns(makeResults([flaskDb([1000, 1010, 990])]), makeResults([flaskDb([1300, 1310, 1290])]), 0.1);
    expect(up.changes[0]?.verdict).toBe('improved');
    expect(up.failed).toBe(false);
  });

  it('a change beyond the threshold whose min-max ranges overlap is noise, not a regression', () => {
    const r = compareRuns(makeResults([flaskDb([1000, 700, 1300])]), makeResults([flaskDb([850, 750, 1000])]), 0.1);
    expect(r.changes[0]).toMatchObject({ verdict: 'noise', reason: 'the min-max ranges of both runs overlap' });
    expect(r.counts.noise).toBe(1);
    expect(r.failed).toBe(false);
  });

  it('new cells are counted and do not fail the comparison', () => {
    const r = compareRuns(makeResults([flaskDb([1000])]), makeResults([flaskDb([1000]), fastapiDb([3000])]), 0.1);
    expect(r.counts).toMatchObject({ new: 1, unchanged: 1 });
    expect(r.failed).toBe(false);
  });

  it('warns first when profiles, machines or framework versions differ, or a run did not complete', () => {
    const base = makeResults([flaskDb([1000])]);
    const cand = makeResults([flaskDb([1000])], {
      status: 'interrupted',
      config: { ...base.config, profile: 'quick' },
      machine: { ...base.machine, cpuModel: 'Other CPU', cores: 8 },
      apps: { ...base.apps, flask: { ...base.apps.flask!, keyPackages: { flask: '3.1.2' } } },
    });
    base.apps.flask!.keyPackages = { flask: '3.1.1' };
    expect(compareRuns(base, cand, 0.1).warnings).toEqual([
      'profile differs: baseline standard, candidate quick',
      'machine differs: baseline Test CPU (2 cores), candidate Other CPU (8 cores)',
      'flask: framework versions differ: flask 3.1.1 -> 3.1.2',
      "the candidate run ended 'interrupted', not 'complete'",
    ]);
    expect(compareRuns(base, base, 0.1).warnings).toEqual([]);
  });

  it("warns when the same fixed work took more than 15% longer or shorter on the candidate's machine", () => {
    const range = (median: number) => ({ median, min: median * 0.95, max: median * 1.05 });
    const speed = (memoryMs: number) => ({ start: { computeMs: range(4.4), cacheMs: range(10), memoryMs: range(memoryMs) } });
    const base = makeResults([flaskDb([1000])], { speed: speed(24) });
    const slower = makeResults([flaskDb([800])], { speed: speed(36) });
    expect(compareRuns(base, slower, 0.1).warnings).toEqual([
      "machine speed differs: the same fixed work before the first cell, baseline -> candidate: compute 4.4 ms (4.2-4.6) -> 4.4 ms (4.2-4.6), +0%; cache 10.0 ms (9.5-10.5) -> 10.0 ms (9.5-10.5), +0%; memory 24.0 ms (22.8-25.2) -> 36.0 ms (34.2-37.8), +50%: memory moved more than 15%, the ranges apart; a change of that size may be the machine's, not the code's",
    ]);
    expect(compareRuns(base, makeResults([flaskDb([1000])], { speed: speed(26) }), 0.1).warnings).toEqual([]);
    // Runs from before the probe carry no reading: nothing to compare, nothing said.
    expect(compareRuns(makeResults([flaskDb([1000])]), slower, 0.1).warnings).toEqual([]);
  });
});

describe('disturbed cells in a comparison', () => {
  it('names the run whose cell other processes disturbed, and marks the cell # in the table', () => {
    const busy = { coreShare: 0.9, peakCoreShare: 1, stealShare: 0, windowS: 10, top: [{ pid: 4242, comm: 'node', coreShare: 0.9 }] };
    const base = makeResults([flaskDb([1000])]);
    const halved = makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [500], neighbours: [busy] })]);
    const comparison = compareRuns(base, halved, 0.1);
    expect(comparison.warnings).toEqual([
      'in the candidate run, other processes took CPU while flask/db/c64 was measured (DISTURBED, marked #): a change there may be theirs',
    ]);
    expect(comparison.changes[0]).toMatchObject({ id: 'flask/db/c64', verdict: 'regressed', disturbedIn: ['candidate'] });
    const text = formatComparison(comparison, { baseline: 'a', candidate: 'b', thresholdPct: 10 }, 'text');
    expect(text).toContain('flask/db/c64#');
    expect(text).toContain('#: other processes took CPU while the cell was measured');
    expect(compareRuns(base, base, 0.1).changes[0]?.disturbedIn).toBeUndefined();
  });
});

describe('noiseReason', () => {
  it('uses the CV when the ranges do not overlap, and says nothing for single repeats', () => {
    expect(noiseReason(spread([1000, 1100]), spread([1200, 1250]), 0.12)).toMatch(/within 2 x the CV/);
    expect(noiseReason(spread([1000]), spread([800]), -0.2)).toBeUndefined();
    expect(noiseReason(spread([1000, 1001]), spread([800, 801]), -0.2)).toBeUndefined();
  });
});

describe('formatComparison', () => {
  const comparison = () => {
    const base = makeResults([flaskDb([1000, 1010, 990]), fastapiDb([2000])]);
    return compareRuns(base, makeResults([flaskDb([800, 805, 795])], { config: { ...base.config, profile: 'quick' } }), 0.1);
  };

  it('text: warnings, then the counts, then the table', () => {
    const text = formatComparison(comparison(), ctx, 'text');
    const lines = text.split('\n');
    expect(lines[0]).toBe('warning: profile differs: baseline standard, candidate quick');
    expect(lines[1]).toBe('1 regressed, 1 missing, 0 improved, 0 noise, 0 unchanged, 0 new, 0 failing');
    expect(text).toContain('Requests/s, results/b against results/a (threshold 10%)');
    expect(text).toMatch(/flask\/db\/c64 .*1,000 .*800 .*-20\.0% .*regressed/);
    expect(text).toMatch(/fastapi\/db\/c64 .*2,000 .*- .*missing \(not in the candidate\)/);
  });

  it('markdown: for a pull-request comment or a step summary', () => {
    const md = formatComparison(comparison(), ctx, 'markdown');
    expect(md.startsWith('## crossover compare\n\n> **warning:** profile differs')).toBe(true);
    expect(md).toContain('**1 regressed, 1 missing, 0 improved, 0 noise, 0 unchanged, 0 new, 0 failing**');
    expect(md).toContain('| flask/db/c64 | 1,000 | 800 | -20.0% | regressed |');
  });

  it('json: counts, warnings and every cell, machine-readable', () => {
    const json = JSON.parse(formatComparison(comparison(), ctx, 'json'));
    expect(json).toMatchObject({
      baseline: 'results/a',
      candidate: 'results/b',
      thresholdPct: 10,
      failed: true,
      counts: { regressed: 1, missing: 1, improved: 0, noise: 0, unchanged: 0, new: 0, failing: 0 },
      warnings: ['profile differs: baseline standard, candidate quick'],
    });
    expect(json.cells).toHaveLength(2);
  });
});
