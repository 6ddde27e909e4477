import { describe, expect, it } from 'vitest';
import { analysisRecord, analyze } from '../../harness/analysis/analyze.ts';
import { measuredRtt, pickDbCeiling } from '../../harness/analysis/bounds.ts';
import { predictedCrossoverMs } from '../../harness/analysis/predict.ts';
import { sweepResults } from '../support/factories.ts';
import { MEASURED_RTT_MS, rttSweepResults } from '../support/rtt-sweep.ts';

const results = rttSweepResults();
const analysis = analyze(results);
const cell = (id: string) => {
  const c = analysis.cells.find((x) => x.id === id);
  if (!c) throw new Error(`no cell ${id}`);
  return c;
};

describe('measuredRtt', () => {
  it("takes the path's addedMs, 0 on the direct path, and the requested value when the file has no measurement", () => {
    expect(measuredRtt(results, 0.5)).toEqual({ rttMs: MEASURED_RTT_MS, source: 'measured' });
    expect(measuredRtt(results, undefined)).toEqual({ rttMs: 0, source: 'loopback' });
    expect(measuredRtt(results, 0)).toEqual({ rttMs: 0, source: 'loopback' });
    expect(measuredRtt({ network: undefined }, 1)).toEqual({ rttMs: 1, source: 'requested' });
  });
});

describe("the Little's-law bound with a round trip", () => {
  it('holds each connection for the effective latency plus the measured RTT', () => {
    const direct = cell('fastapi/slow-db/c64/2ms');
    const far = cell('fastapi/slow-db/c64/2ms/rtt0.5');
    expect(direct.littleBoundRps).toBeCloseTo(10 / 0.002, 6);
    // The ceiling's 2.55 ms includes the round trip: the database's own 2 ms is what remains.
    expect(far.effectiveDbLatencyMs).toBeCloseTo(2, 9);
    expect(far.measuredRttMs).toBe(MEASURED_RTT_MS);
    expect(far.littleBoundRps).toBeCloseTo(10 / 0.00255, 6);
    expect(far.judgedAgainst?.littleBound).toMatchObject({ connections: 10, rttMs: MEASURED_RTT_MS });
    expect(far.judgedAgainst?.littleBound?.latencyMs).toBeCloseTo(2.55, 9);
    expect(direct.judgedAgainst?.littleBound?.rttMs).toBeUndefined();
    // 4,000 req/s is 80% of the 5,000 direct bound (framework-bound) but 97% of 3,922 (pool-bound).
    expect(direct.attribution?.labels).toEqual(['framework']);
    expect(far.attribution?.labels).toContain('connection pool');
  });

  it('judges a cell against the database ceiling of its own round trip', () => {
    expect(cell('flask/slow-db/c64/5ms/rtt0.5').judgedAgainst?.dbCeiling?.id).toBe('database/slow-db/c64/5ms/rtt0.5/prepared');
    expect(cell('flask/slow-db/c64/5ms').judgedAgainst?.dbCeiling?.id).toBe('database/slow-db/c64/5ms/prepared');
    expect(pickDbCeiling(results.ceilings, { scenario: 'slow-db', connections: 64, dbLatencyMs: 5, dbRttMs: 1 }, 'prepared').ceiling).toBeUndefined();
  });

  it('compares each cell with the fastest of its own round trip', () => {
    // At 5 ms the frameworks are 17% apart on the direct path, 9% apart through the round trip.
    expect(cell('flask/slow-db/c64/5ms').shareOfFastest).toBeCloseTo(1600 / 1940, 6);
    expect(cell('flask/slow-db/c64/5ms/rtt0.5').shareOfFastest).toBeCloseTo(1600 / (0.97 * (10 / 0.00555)), 6);
  });
});

describe('the crossover per round trip', () => {
  it('keeps one table per round trip, the direct one first', () => {
    expect(analysis.crossovers?.map((x) => [x.dbRttMs, x.measuredRttMs])).toEqual([
      [undefined, undefined],
      [0.5, MEASURED_RTT_MS],
    ]);
    expect(analysis.crossover).toBe(analysis.crossovers![0]);
    // The effective latencies are the database's own on both paths.
    const direct = analysis.crossovers![0]!.settings;
    for (const [i, s] of analysis.crossovers![1]!.settings.entries()) expect(s.effectiveMs).toBeCloseTo(direct[i]!.effectiveMs, 9);
  });

  it('moves the measured crossover to a lower database latency with the round trip', () => {
    const [direct, far] = analysis.crossovers!;
    const at = (x: typeof direct, f: string) => x!.perFramework.find((p) => p.framework === f)!;
    expect(at(direct, 'fastapi').crossoverMs).toBe(3);
    expect(at(far, 'fastapi').crossoverMs).toBe(2);
    expect(at(direct, 'flask').crossoverMs).toBe(10);
    expect(at(far, 'flask').crossoverMs).toBe(5);
    expect(direct!.overallMs).toBe(10);
    expect(far!.overallMs).toBe(5);
  });

  it('moves the predicted crossover by the measured round trip, and agrees with the measured one', () => {
    const [direct, far] = analysis.crossovers!;
    const fast = (x: typeof direct) => x!.perFramework.find((p) => p.framework === 'fastapi')!.prediction!;
    // X from the direct db cell in both: 10 / 4,000 = 2.5 ms, minus 0.55 through the round trip.
    expect(fast(direct)).toMatchObject({ dbCellRps: 4000, predictedStepMs: 3, disagrees: false });
    expect(fast(direct).predictedMs).toBeCloseTo(2.5, 9);
    expect(fast(far)).toMatchObject({ dbCellRps: 4000, predictedStepMs: 2, disagrees: false });
    expect(fast(far).predictedMs).toBeCloseTo(2.5 - MEASURED_RTT_MS, 9);
  });

  it('predicts lower throughput through the round trip at every latency', () => {
    const [direct, far] = analysis.crossovers!;
    const curve = (x: typeof direct) => x!.perFramework.find((p) => p.framework === 'flask')!.points.map((p) => p.predictedRps!);
    const near = curve(direct);
    for (const [i, rps] of curve(far).entries()) expect(rps).toBeLessThan(near[i]!);
  });

  it('stores the analysis under its own schema', () => {
    expect(analysisRecord(analysis).crossovers).toHaveLength(2);
  });
});

describe('files without a measured round trip, and files from before --db-rtt', () => {
  it('falls back to the requested round trip and says so', () => {
    const a = analyze(rttSweepResults({ network: false }));
    const far = a.cells.find((c) => c.id === 'fastapi/slow-db/c64/2ms/rtt0.5')!;
    // The requested 0.5 ms is taken off the ceiling's 2.55 and added back: the hold stays the ceiling's.
    expect(far.effectiveDbLatencyMs).toBeCloseTo(2.05, 9);
    expect(far.littleBoundRps).toBeCloseTo(10 / 0.00255, 6);
    expect(far.notes).toContain('no measured round trip for --db-rtt 0.5: the bound uses the requested 0.5 ms');
    expect(a.crossovers![1]!.notes).toContain('--db-rtt 0.5: no measured round trip in this file; the requested 0.5 ms stands in.');
  });

  it('leaves an analysis without round trips as it was: one crossover, no `crossovers`', () => {
    const a = analyze(sweepResults());
    expect(a.crossovers).toBeUndefined();
    expect(a.crossover?.dbRttMs).toBeUndefined();
    expect('crossovers' in analysisRecord(a)).toBe(false);
    expect(a.cells.every((c) => c.measuredRttMs === undefined && c.judgedAgainst?.littleBound?.rttMs === undefined)).toBe(true);
  });

  it('predictedCrossoverMs clamps at 0 when the round trip alone binds', () => {
    expect(predictedCrossoverMs(10, 4000, 0.5)).toBeCloseTo(2, 9);
    expect(predictedCrossoverMs(10, 40_000, 1)).toBe(0);
  });
});
