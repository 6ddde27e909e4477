import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { crossoverTables } from '../../harness/report/analysis-tables.ts';
import { chartSet } from '../../harness/report/charts/data.ts';
import { chartEntries } from '../../harness/report/charts/files.ts';
import { compileSpec } from '../../harness/report/charts/render.ts';
import { sweepResults } from '../support/factories.ts';
import { MEASURED_RTT_MS, rttSweepResults } from '../support/rtt-sweep.ts';

describe('charts and tables per round trip', () => {
  const results = rttSweepResults();
  const analysis = analyze(results);

  it('draws one throughput chart per round trip, the bound through the measured round trip', () => {
    const set = chartSet(results, analysis);
    expect(set.throughput.map((t) => [t.dbRttMs, t.measuredRttMs])).toEqual([
      [undefined, undefined],
      [0.5, MEASURED_RTT_MS],
    ]);
    const far = set.throughput[1]!;
    // 10 connections / (2 ms + 0.55 ms).
    expect(far.littleBound.find((b) => Math.abs(b.effectiveMs - 2) < 1e-9)?.rps).toBeCloseTo(10 / 0.00255, 6);
    expect(set.throughput[0]!.littleBound.find((b) => Math.abs(b.effectiveMs - 2) < 1e-9)?.rps).toBeCloseTo(5000, 6);
    const entries = chartEntries(set);
    expect(entries.map((e) => [e.path, e.title])).toEqual([
      ['charts/throughput-c64.svg', 'Requests/s against database latency, 64 connections'],
      ['charts/throughput-c64-rtt0.5.svg', 'Requests/s against database latency, 64 connections, database round trip 0.5 ms (measured 0.55)'],
    ]);
    for (const e of entries) expect(compileSpec(e.spec).warnings).toEqual([]);
  });

  it('puts a crossover table per round trip first, then a prediction table per round trip', () => {
    expect(crossoverTables(results, analysis).map((t) => t.title)).toEqual([
      'The crossover: slow-db requests/s and bottleneck by database latency (c64)',
      'The crossover: slow-db requests/s and bottleneck by database latency (c64, round trip 0.5 ms, measured 0.55)',
      'Predicted (queueing model) against measured requests/s (c64)',
      'Predicted (queueing model) against measured requests/s (c64, round trip 0.5 ms, measured 0.55)',
    ]);
  });

  it('keeps one chart for a run without round trips', () => {
    const old = sweepResults();
    expect(chartEntries(chartSet(old, analyze(old))).map((e) => e.path)).toEqual(['charts/throughput-c64.svg']);
  });
});
