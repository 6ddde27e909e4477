import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { crossoverChartData } from '../../harness/analysis/chart-data.ts';
import { makeCell, makeResults, sweepResults } from '../support/factories.ts';

describe('crossoverChartData', () => {
  const results = sweepResults();
  const data = crossoverChartData(results, analyze(results))!;

  it('gives each framework its points at requested and effective latency with min-max and the prediction', () => {
    expect(data.settings.map((s) => [s.requestedMs, s.effectiveMs, s.flagged])).toContainEqual([1, 2.1, true]);
    const fastapi = data.series.find((s) => s.framework === 'fastapi')!;
    expect(fastapi).toMatchObject({ displayName: 'FastAPI', crossoverMs: 1, crossoverEffectiveMs: 2.1 });
    expect(fastapi.points).toHaveLength(6);
    expect(fastapi.points[1]).toMatchObject({ requestedMs: 1, effectiveMs: 2.1 });
    expect(fastapi.points[1]!.rpsMin).toBeLessThan(fastapi.points[1]!.rps);
    expect(fastapi.points[1]!.rpsMax).toBeGreaterThan(fastapi.points[1]!.rps);
    expect(fastapi.points[1]!.predictedRps).toBeGreaterThan(0);
  });

  it("draws the Little's-law bound and the database ceiling at the effective latencies", () => {
    expect(data.littleBound[1]!.rps).toBeCloseTo(10 / 0.0021, 6);
    expect(data.littleBound).toHaveLength(6);
    expect(data.dbCeiling.map((c) => [c.requestedMs, c.effectiveMs, c.protocol])).toContainEqual([5, 5.2, 'prepared']);
  });

  it('marks the overall crossover and captions the run', () => {
    expect(data).toMatchObject({ overallCrossoverMs: 10, overallCrossoverEffectiveMs: 10.3, connections: 64 });
    expect(data.caption).toEqual({
      runId: 'test-run',
      cpuModel: 'Test CPU',
      cores: 2,
      date: '2026-11-21',
      text: 'crossover-bench run test-run, Test CPU (2 cores), 2026-11-21, 64 connections',
    });
  });

  it('has nothing to draw without a sweep', () => {
    const one = makeResults([makeCell({ framework: 'fastapi', scenario: 'slow-db', dbLatencyMs: 10, rps: [900] })]);
    expect(crossoverChartData(one, analyze(one))).toBeUndefined();
  });
});
