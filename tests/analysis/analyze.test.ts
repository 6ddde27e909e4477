import { describe, expect, it } from 'vitest';
import { analysisRecord, analyze } from '../../harness/analysis/analyze.ts';
import { AnalysisSchema } from '../../harness/results/analysis-schema.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { sweepResults } from '../support/factories.ts';

const results = sweepResults();
const analysis = analyze(results);
const cell = (id: string) => analysis.cells.find((c) => c.id === id)!;

describe('analyze: ceilings per protocol', () => {
  it("judges each db cell against its own protocol's ceiling", () => {
    expect(cell('django/db/c64').judgedAgainst?.dbCeiling).toEqual({ id: 'database/db/c64/simple', rps: 9000, protocol: 'simple', latencyMeanMs: undefined });
    expect(cell('django/db/c64').shareOfDbCeiling).toBeCloseTo(1500 / 9000, 9);
    expect(cell('fastapi/db/c64').judgedAgainst?.dbCeiling?.id).toBe('database/db/c64/prepared');
  });

  it('falls back to the prepared ceiling with a note, and labels database against it', () => {
    const django = cell('django/queries/c64');
    expect(django.judgedAgainst?.dbCeiling?.id).toBe('database/queries/c64/prepared');
    expect(django.notes).toContain('no simple-protocol database ceiling for database/queries/c64: judged against the prepared one');
    // FastAPI queries: 92% app CPU and 90% of its database ceiling: both hold.
    expect(cell('fastapi/queries/c64').attribution?.labels).toEqual(['framework', 'database']);
  });
});

describe('analyze: effective latency and the pool', () => {
  it('bounds slow-db cells with the effective latency and names the pool', () => {
    const c = cell('fastapi/slow-db/c64/1ms');
    expect(c.effectiveDbLatencyMs).toBe(2.1);
    expect(c.littleBoundRps).toBeCloseTo(4761.9, 1);
    // At the knee: 92% app CPU and 97% of the bound.
    expect(c.attribution?.labels).toEqual(['framework', 'connection pool']);
    expect(c.attribution?.limits[1]?.reason).toBe("97% of the Little's-law bound: 10 connections x 2.1 ms = 4,762 req/s");
    expect(cell('fastapi/slow-db/c64/5ms').attribution?.labels).toEqual(['connection pool']);
    expect(c.notes).toContain('the database held each request 2.1 ms, not the 1 ms requested');
    expect(c.shareOfLittleBound).toBeCloseTo(0.97, 9);
  });

  it('lists every setting with requested and effective latency, flagging those more than 20% off', () => {
    expect(analysis.crossover!.settings.map((s) => [s.requestedMs, s.effectiveMs, s.flagged])).toEqual([
      [0, 0.4, false],
      [1, 2.1, true],
      [2, 2.2, false],
      [5, 5.2, false],
      [10, 10.3, false],
      [20, 20.3, false],
    ]);
  });
});

describe('analyze: predicted and measured crossover', () => {
  it('predicts L = C / X from the db cell and compares it with the sweep', () => {
    const [django, fastapi] = analysis.crossover!.perFramework;
    // Django: 10 / 1,500 req/s = 6.7 ms -> first setting reaching it is 10 ms; measured: from 10 ms on.
    expect(django!.prediction).toMatchObject({ dbCellRps: 1500, connections: 10, predictedStepMs: 10, disagrees: false });
    expect(django!.prediction!.predictedMs).toBeCloseTo(6.667, 3);
    expect(django!.crossoverMs).toBe(10);
    expect(django!.crossoverEffectiveMs).toBe(10.3);
    // FastAPI: 10 / 5,000 = 2 ms -> 1 ms requested (2.1 effective).
    expect(fastapi!.prediction).toMatchObject({ predictedMs: 2, predictedStepMs: 1, disagrees: false });
    expect(fastapi!.crossoverMs).toBe(1);
  });

  it('flags a prediction more than one sweep step from the measurement', () => {
    const r = sweepResults();
    // Django's db cell read 20,000 req/s: it would predict 0.5 ms, three steps before the measured 10 ms.
    r.cells = r.cells.map((c) =>
      c.id === 'django/db/c64' ? { ...c, repeats: c.repeats.map((x) => ({ ...x, measurement: { ...x.measurement, rps: 20_000 } })) } : c,
    );
    expect(analyze(r).crossover!.perFramework[0]!.prediction).toMatchObject({ predictedStepMs: 1, disagrees: true });
  });

  it('gives a predicted MVA curve and the error per point', () => {
    const points = analysis.crossover!.perFramework[1]!.points;
    expect(points).toHaveLength(6);
    for (const p of points) {
      expect(p.predictedRps).toBeGreaterThan(0);
      expect(p.error).toBeCloseTo(p.measuredRps! / p.predictedRps! - 1, 12);
    }
    expect(points[5]!.predictedRps).toBeCloseTo(10 / 0.0203, 0);
  });

  it('says where no prediction can be made', () => {
    const r = sweepResults();
    r.cells = r.cells.filter((c) => c.id !== 'django/db/c64');
    const x = analyze(r).crossover!;
    expect(x.perFramework[0]!.prediction).toBeUndefined();
    expect(x.notes).toContain('django: no measured db cell at c64, so no prediction.');
  });

  it("derives the effective latency from an older file's ceiling throughput", () => {
    const x = analyze(sweepResults({ withLatency: false })).crossover!;
    expect(x.settings[1]).toMatchObject({ source: 'ceiling throughput', flagged: true });
    expect(x.settings[1]!.effectiveMs).toBeCloseTo(2.1, 9);
  });
});

describe('analysis in results.json', () => {
  it('matches AnalysisSchema and survives a JSON round trip inside the results', () => {
    const record = analysisRecord(analysis);
    expect(AnalysisSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(record.cells[0]).not.toHaveProperty('rps');
    expect(record.cells[0]).toMatchObject({ id: 'fastapi/db/c64', rpsMedian: 5000, attribution: { labels: ['framework'] } });
    const withAnalysis = ResultsSchema.parse(JSON.parse(JSON.stringify({ ...results, analysis: record })));
    expect(withAnalysis.analysis?.crossover?.perFramework).toHaveLength(2);
  });

  it('stores failed cells without numbers', () => {
    const r = sweepResults();
    r.cells.push({
      ...r.cells[0]!,
      id: 'fastapi/json/c64',
      scenario: 'json',
      kind: 'json',
      status: 'failed',
      repeats: [],
      failure: { stage: 'verify', reason: 'bad', logLines: [] },
    });
    const record = analysisRecord(analyze(r));
    expect(record.cells.at(-1)).toEqual({ id: 'fastapi/json/c64', framework: 'fastapi', scenario: 'json', connections: 64, notes: [] });
  });
});
