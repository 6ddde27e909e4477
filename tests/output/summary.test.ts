import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { runSummary } from '../../harness/output/summary.ts';
import { trackedCells } from '../../harness/report/exporters/tracked.ts';
import { sixFrameworkResults } from '../cli/fixture.ts';

describe('the --json summary', () => {
  it('carries run id, status, out dir, per-cell figures and labels, and the crossover', () => {
    const results = sixFrameworkResults();
    const analysis = analyze(results);
    const s = runSummary(results, analysis, 'results/x', trackedCells(analysis).leftOut);
    expect(s).toMatchObject({ runId: '20261121T000000Z-standard', status: 'complete', outDir: 'results/x' });
    expect(s.cells.find((c) => c.id === 'django-bolt/json/c64')).toEqual({
      id: 'django-bolt/json/c64',
      status: 'ok',
      rps: 39_700,
      // A loadgen-bound cell is left out of the comparison: no interval and no share of the fastest.
      rpsInterval: null,
      shareOfFastest: null,
      latencyP99Ms: 30,
      labels: ['load generator', 'loadgen-bound'],
    });
    expect(s.cells.find((c) => c.id === 'drf/db/c64')).toMatchObject({ status: 'failed', rps: null, labels: ['failed'] });
    expect(s.crossover?.overallMs).toBe(20);
    // The sweep's cells have 3 repeats: the verdict rests on intervals, and says so.
    expect(s.crossover?.verdict).toMatchObject({ answer: 'converged', fromMs: 20, basis: 'intervals', rounds: 3 });
    expect(s.crossover?.verdict?.sentence).toContain('95% intervals over 3 rounds');
    expect(s.leftOut).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
