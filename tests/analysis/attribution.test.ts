import { describe, expect, it } from 'vitest';
import { attribute, littleBoundRps } from '../../harness/analysis/attribution.ts';
import { frameworkCrossoverMs, overallCrossoverMs } from '../../harness/analysis/crossover.ts';
import { spread } from '../../harness/analysis/stats.ts';

/** A cell as attribution sees it: measured rps and mean CPU utilisation of each party. */
function makeCell(o: { rps: number; appCpu?: number; dbCpu?: number; loadgenCpu?: number }) {
  return { rps: spread([o.rps]), appCpu: o.appCpu, dbCpu: o.dbCpu, loadgenCpu: o.loadgenCpu };
}
const noBounds = { sharedLoadgenDbCore: false };

describe('attribute', () => {
  it('labels a saturated load generator and flags the cell, whatever else is busy', () => {
    const a = attribute(makeCell({ rps: 58_000, appCpu: 0.97, loadgenCpu: 0.99 }), noBounds);
    expect(a).toMatchObject({ label: 'load generator', flagged: true });
    expect(a.evidence).toContain('loadgen CPU 99%');
  });

  it('labels a saturated core shared by loadgen and database as load generator when the app is not saturated', () => {
    const a = attribute(makeCell({ rps: 9000, appCpu: 0.6, dbCpu: 0.55, loadgenCpu: 0.42 }), { sharedLoadgenDbCore: true });
    expect(a.label).toBe('load generator');
    expect(a.evidence).toContain('shared loadgen/db core 97% busy');
  });

  it('labels a CPU-bound app as framework', () => {
    expect(attribute(makeCell({ rps: 3000, appCpu: 0.96, dbCpu: 0.3, loadgenCpu: 0.2 }), { dbCeilingRps: 12_000, sharedLoadgenDbCore: false })).toMatchObject({
      label: 'framework',
      evidence: ['app CPU 96%', 'db CPU 30%', 'loadgen CPU 20%', '25% of the 12,000 req/s database ceiling'],
    });
  });

  it('labels throughput at the Little bound as concurrency limit (DESIGN.md: 950 against 952)', () => {
    const bound = littleBoundRps(64, 10, 10, 10.5)!;
    expect(bound).toBeCloseTo(952.4, 1);
    expect(attribute(makeCell({ rps: 950, appCpu: 0.3 }), { littleBoundRps: bound, sharedLoadgenDbCore: false }).label).toBe('concurrency limit');
  });

  it('labels throughput near the database ceiling, or a saturated database, as database', () => {
    expect(attribute(makeCell({ rps: 9000, appCpu: 0.5 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false }).label).toBe('database');
    expect(attribute(makeCell({ rps: 2000, appCpu: 0.5, dbCpu: 0.95 }), noBounds).label).toBe('database');
  });

  it('says undetermined when nothing is near a limit', () => {
    expect(attribute(makeCell({ rps: 2000, appCpu: 0.5, dbCpu: 0.2, loadgenCpu: 0.1 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false }).label).toBe('undetermined');
  });

  it('has no Little bound at zero latency, and takes the smallest of the three limits', () => {
    expect(littleBoundRps(64, 10, 10, 0)).toBeUndefined();
    expect(littleBoundRps(4, 10, 10, 10)).toBe(400);
    expect(littleBoundRps(64, 8, 10, 20)).toBe(400);
  });
});

describe('crossover', () => {
  it('finds the latency from which a framework stays database- or concurrency-bound', () => {
    const points = [
      { dbLatencyMs: 0, rps: 3000, label: 'framework' as const },
      { dbLatencyMs: 1, rps: 2900, label: 'framework' as const },
      { dbLatencyMs: 2, rps: 2800, label: 'database' as const },
      { dbLatencyMs: 5, rps: 1900, label: 'framework' as const },
      { dbLatencyMs: 10, rps: 950, label: 'concurrency limit' as const },
      { dbLatencyMs: 20, rps: 480, label: 'concurrency limit' as const },
    ];
    // 2 ms is database-bound but 5 ms is not again: the crossover is where it stays bound.
    expect(frameworkCrossoverMs(points)).toBe(10);
    expect(frameworkCrossoverMs(points.slice(0, 2))).toBeUndefined();
  });

  it('finds the latency from which all frameworks lie within 10% of the fastest', () => {
    const byLatency = new Map([
      [0, [9000, 3000]],
      [5, [1900, 1500]],
      [10, [950, 900]],
      [20, [480, 470]],
    ]);
    expect(overallCrossoverMs(byLatency)).toBe(10);
    expect(overallCrossoverMs(new Map([[0, [9000, 3000]]]))).toBeUndefined();
  });
});

describe('attribute near the load generator ceiling', () => {
  it('flags a cell within 15% of the measured load generator ceiling even when its CPU reads lower', () => {
    const a = attribute(makeCell({ rps: 24_700, appCpu: 0.77, loadgenCpu: 0.77 }), { loadgenCeilingRps: 27_000, sharedLoadgenDbCore: true });
    expect(a).toMatchObject({ label: 'load generator', flagged: true });
    expect(a.evidence).toContain('91% of the 27,000 req/s load generator ceiling');
  });
});
