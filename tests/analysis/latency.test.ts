import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { buildLatency, latencyCell, latencyCrossoverMs, p99IntervalOf, p99Spread } from '../../harness/analysis/latency.ts';
import { makeOpenLoopCell, sweepResults } from '../support/factories.ts';

/** The sweep fixture plus open-loop cells: p99 per latency for django and fastapi. */
function withOpenLoop(p99: Record<'django' | 'fastapi', Record<number, number>>, o: { unsustained?: string[]; ceilingRps?: number } = {}) {
  const base = sweepResults();
  const open = (['django', 'fastapi'] as const).flatMap((f) =>
    Object.entries(p99[f]).map(([ms, p]) =>
      makeOpenLoopCell({ framework: f, dbLatencyMs: Number(ms), p99Ms: [p * 0.98, p, p * 1.02], unsustained: o.unsustained?.includes(`${f}/${ms}`) }),
    ),
  );
  const ceilings =
    o.ceilingRps === undefined
      ? base.ceilings
      : [...base.ceilings, { kind: 'loadgen' as const, generator: 'open-loop', connections: 64, rps: o.ceilingRps, note: 'open-loop' }];
  return { ...base, cells: [...base.cells, ...open], ceilings };
}

describe('latencyCrossoverMs', () => {
  it('is the smallest latency from which every p99 lies within 10% of the others at it and every larger one', () => {
    expect(
      latencyCrossoverMs(
        new Map([
          [0, [1, 3]],
          [5, [6, 6.5]],
          [10, [11, 14]],
          [20, [21, 22]],
          [50, [51, 52]],
        ]),
      ),
    ).toBe(20);
    expect(
      latencyCrossoverMs(
        new Map([
          [0, [1, 1.05]],
          [10, [11, 11.5]],
        ]),
      ),
    ).toBe(0);
    expect(
      latencyCrossoverMs(
        new Map([
          [0, [1, 3]],
          [10, [11, 20]],
        ]),
      ),
    ).toBeUndefined();
  });

  it('a latency where some framework did not sustain the rate is not converged', () => {
    expect(
      latencyCrossoverMs(
        new Map([
          [0, [1, 3]],
          [10, [11, 11.2]],
          [20, [21, undefined]],
        ]),
      ),
    ).toBeUndefined();
    expect(
      latencyCrossoverMs(
        new Map([
          [0, [1, undefined]],
          [10, [11, 11.2]],
          [20, [21, 21.5]],
        ]),
      ),
    ).toBe(10);
  });

  it('spread is highest over lowest p99, minus 1', () => {
    expect(p99Spread([10, 11])).toBeCloseTo(0.1);
    expect(p99Spread([10])).toBe(0);
  });
});

describe('latencyCell', () => {
  it('carries offered, achieved and late, medians of the percentiles, and why it did not sustain its rate', () => {
    const c = latencyCell(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20, 30, 40], offeredRps: 200, unsustained: true }), 1000);
    expect(c).toMatchObject({
      offeredRps: 200,
      achievedRps: 200,
      late: 300,
      scheduled: 6000,
      p99Ms: 30,
      p999Ms: 45,
      sustained: false,
      nearGeneratorCeiling: false,
    });
    expect(c.shortfall).toBe('3 of 3 repeat(s): 5.0% of requests sent more than 2 ms late with every connection busy (max 1%)');
    expect(latencyCell(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20], offeredRps: 900 }), 1000).nearGeneratorCeiling).toBe(true);
    expect(latencyCell(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20], offeredRps: 900 }), 1000).generatorLate).toBe(false);
    // Late sends the generator itself held flag the cell but keep it in: a connection was free, the app did not hold them.
    expect(latencyCell(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20, 22], generatorLate: true }), 1000)).toMatchObject({
      sustained: true,
      generatorLate: true,
      lateGenerator: 120,
      generatorLagMaxMs: 12,
      p99Ms: 21,
    });
    expect(latencyCell(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [], failed: 'no capacity' }), undefined)).toMatchObject({
      status: 'failed',
      sustained: false,
      shortfall: 'measure: no capacity',
    });
  });
});

describe('buildLatency in analyze', () => {
  it('one sweep per rate with the crossover, and the open-loop cells kept out of the closed-loop analysis', () => {
    const results = withOpenLoop({ django: { 0: 4, 5: 9, 10: 13, 20: 22 }, fastapi: { 0: 1.5, 5: 6.5, 10: 12, 20: 21 } }, { ceilingRps: 9000 });
    const analysis = analyze(results);
    expect(analysis.cells.some((c) => c.id.includes('/at50%'))).toBe(false);
    // The open-loop ceiling does not judge closed-loop cells: they keep autocannon's 40,000.
    expect(analysis.loadgenCeilingRps).toBe(40_000);
    expect(analysis.cells.find((c) => c.id === 'fastapi/db/c64')?.judgedAgainst?.loadgenCeiling?.rps).toBe(40_000);
    const sweep = analysis.latency!.sweeps[0]!;
    expect(analysis.latency!.generatorCeilingRps).toBe(9000);
    expect(analysis.latency!.sweeps).toHaveLength(1);
    expect(sweep).toMatchObject({ rateSpec: '50%', offeredRps: 200, latencies: [0, 5, 10, 20], frameworks: ['django', 'fastapi'], crossoverMs: 10 });
    expect(sweep.spreadByLatency.map((s) => Number(s.spread!.toFixed(3)))).toEqual([1.667, 0.385, 0.083, 0.048]);
  });

  it('an unsustained cell is never averaged in: no spread there, and the crossover moves past it', () => {
    const results = withOpenLoop({ django: { 0: 4, 10: 13, 20: 22 }, fastapi: { 0: 1.5, 10: 12.5, 20: 21 } }, { unsustained: ['django/10'] });
    const sweep = analyze(results).latency!.sweeps[0]!;
    expect(sweep.spreadByLatency.find((s) => s.dbLatencyMs === 10)?.spread).toBeUndefined();
    expect(sweep.crossoverMs).toBe(20);
  });

  it('is absent from runs without open-loop cells', () => {
    expect(buildLatency(sweepResults())).toBeUndefined();
    expect(analyze(sweepResults()).latency).toBeUndefined();
  });
});

describe('p99 interval of an open-loop cell', () => {
  it('brackets the median p99 of 3 or more repeats, reproducibly, and is absent below 3', () => {
    const cell = makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20, 24, 22, 30, 21], offeredRps: 200 });
    const i = p99IntervalOf(cell)!;
    expect(i.estimate).toBe(22);
    expect(i.low).toBeLessThanOrEqual(22);
    expect(i.high).toBeGreaterThanOrEqual(22);
    expect(i.low).toBeGreaterThanOrEqual(20);
    expect(i.high).toBeLessThanOrEqual(30);
    expect(p99IntervalOf(cell)).toEqual(i);
    expect(latencyCell(cell, undefined).p99Interval).toEqual(i);
    expect(p99IntervalOf(makeOpenLoopCell({ framework: 'flask', dbLatencyMs: 10, p99Ms: [20, 24], offeredRps: 200 }))).toBeUndefined();
  });
});
