import { describe, expect, it } from 'vitest';
import {
  APP_SATURATED,
  attribute,
  type Bounds,
  DB_SATURATED,
  LOADGEN_SATURATED,
  littleBound,
  littleBoundRps,
  NEAR_BOUND,
  SHARED_CORE_SATURATED,
  shortLabels,
} from '../../harness/analysis/attribution.ts';
import { frameworkCrossoverMs, isDbBound, overallCrossoverMs } from '../../harness/analysis/crossover.ts';
import { spread } from '../../harness/analysis/stats.ts';
import type { LittleBound } from '../../harness/results/analysis-schema.ts';

/** A cell as attribution sees it: measured rps and mean CPU utilisation of each party. */
function makeCell(o: { rps: number; appCpu?: number; dbCpu?: number; loadgenCpu?: number }) {
  return { rps: spread([o.rps]), appCpu: o.appCpu, dbCpu: o.dbCpu, loadgenCpu: o.loadgenCpu };
}
const noBounds: Bounds = { sharedLoadgenDbCore: false };
const pool = (rps: number, latencyMs = 10, limitedBy: LittleBound['limitedBy'] = 'connection cap', connections = 10): LittleBound => ({
  rps,
  connections,
  limitedBy,
  latencyMs,
});
const labels = (cell: Parameters<typeof attribute>[0], bounds: Bounds = noBounds) => attribute(cell, bounds).labels;

describe('attribute: one limit', () => {
  it('labels a saturated load generator and flags the cell, keeping what else holds', () => {
    const a = attribute(makeCell({ rps: 58_000, appCpu: 0.97, loadgenCpu: 0.99 }), noBounds);
    expect(a).toMatchObject({ label: 'load generator', labels: ['load generator', 'framework'], flagged: true });
    expect(a.evidence).toContain('loadgen CPU 99%');
  });

  it('labels a saturated core shared by loadgen and database as load generator when the app is not saturated', () => {
    const a = attribute(makeCell({ rps: 9000, appCpu: 0.6, dbCpu: 0.55, loadgenCpu: 0.42 }), { sharedLoadgenDbCore: true });
    expect(a.labels).toEqual(['load generator']);
    expect(a.evidence).toContain('shared loadgen/db core 97% busy');
  });

  it('labels a saturated shared core the database takes three quarters of as database CPU, not load generator (db-cpu)', () => {
    const a = attribute(makeCell({ rps: 400, appCpu: 0.3, dbCpu: 0.88, loadgenCpu: 0.07 }), { sharedLoadgenDbCore: true });
    expect(a.labels).toEqual(['database CPU']);
    expect(a.flagged).toBe(false);
    expect(a.limits[0]!.reason).toContain("the database's 88% of it");
  });

  it('labels a CPU-bound app as framework, with every figure as evidence', () => {
    expect(attribute(makeCell({ rps: 3000, appCpu: 0.96, dbCpu: 0.3, loadgenCpu: 0.2 }), { dbCeilingRps: 12_000, sharedLoadgenDbCore: false })).toMatchObject({
      label: 'framework',
      labels: ['framework'],
      limits: [{ label: 'framework', reason: 'app CPU 96% >= 85%' }],
      evidence: ['app CPU 96%', 'db CPU 30%', 'loadgen CPU 20%', '25% of the 12,000 req/s database ceiling'],
      flagged: false,
    });
  });

  it('names the connection pool in plain words when the cap sets the Little bound', () => {
    const bound = littleBound(64, 10, 10, 2.1)!;
    expect(bound).toMatchObject({ connections: 10, limitedBy: 'connection cap' });
    expect(bound.rps).toBeCloseTo(4761.9, 1);
    const a = attribute(makeCell({ rps: 4600, appCpu: 0.5 }), { little: bound, sharedLoadgenDbCore: false });
    expect(a.labels).toEqual(['connection pool']);
    expect(a.limits[0]!.reason).toBe("97% of the Little's-law bound: 10 connections x 2.1 ms = 4,762 req/s");
  });

  it('says concurrency limit when app threads or load generator connections, fewer than the cap, set the bound', () => {
    expect(littleBound(64, 4, 10, 10)).toMatchObject({ connections: 4, limitedBy: 'app concurrency', rps: 400 });
    expect(littleBound(8, 10, 10, 10)).toMatchObject({ connections: 8, limitedBy: 'load generator connections' });
    expect(labels(makeCell({ rps: 390, appCpu: 0.3 }), { little: littleBound(64, 4, 10, 10), sharedLoadgenDbCore: false })).toEqual(['concurrency limit']);
  });

  it('labels throughput near the database ceiling, or a saturated database, as database (its saturated CPU as database CPU too)', () => {
    expect(labels(makeCell({ rps: 9000, appCpu: 0.5 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false })).toEqual(['database']);
    expect(labels(makeCell({ rps: 2000, appCpu: 0.5, dbCpu: 0.95 }))).toEqual(['database', 'database CPU']);
  });

  it('says undetermined when nothing is near a limit', () => {
    expect(attribute(makeCell({ rps: 2000, appCpu: 0.5, dbCpu: 0.2, loadgenCpu: 0.1 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false })).toMatchObject({
      label: 'undetermined',
      labels: ['undetermined'],
      limits: [],
    });
  });

  it('flags a cell within 15% of the measured load generator ceiling even when its CPU reads lower', () => {
    const a = attribute(makeCell({ rps: 24_700, appCpu: 0.77, loadgenCpu: 0.77 }), { loadgenCeilingRps: 27_000, sharedLoadgenDbCore: true });
    expect(a).toMatchObject({ label: 'load generator', flagged: true });
    expect(a.evidence).toContain('91% of the 27,000 req/s load generator ceiling');
  });
});

describe('attribute: every limit that holds', () => {
  it('labels Starlette queries at 92% app CPU and 90% of the database ceiling framework + database', () => {
    const a = attribute(makeCell({ rps: 9000, appCpu: 0.92, dbCpu: 0.6 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false });
    expect(a.label).toBe('framework');
    expect(a.labels).toEqual(['framework', 'database']);
    expect(a.limits.map((l) => l.reason)).toEqual(['app CPU 92% >= 85%', '90% of the 10,000 req/s database ceiling >= 85%']);
    expect(shortLabels(a.labels)).toBe('fw+db');
  });

  it('labels the knee framework + connection pool when the app is saturated at the bound', () => {
    expect(labels(makeCell({ rps: 1900, appCpu: 0.95 }), { little: pool(2000, 5), sharedLoadgenDbCore: false })).toEqual(['framework', 'connection pool']);
  });

  it('does not add database when the ceiling it is near is itself the pool (slow-db: pgbench over the cap)', () => {
    // pgbench with 10 connections at 2.1 ms effective measured 4,709: the pool, not the database.
    const a = attribute(makeCell({ rps: 4600, appCpu: 0.5 }), { little: pool(4762, 2.1), dbCeilingRps: 4709, sharedLoadgenDbCore: false });
    expect(a.labels).toEqual(['connection pool']);
    expect(a.evidence).toContain('98% of the 4,709 req/s database ceiling');
  });

  it('labels database where a bound from the requested latency (1 ms, no ceiling latency) is far off', () => {
    expect(labels(makeCell({ rps: 4600, appCpu: 0.5 }), { little: pool(10_000, 1), dbCeilingRps: 4709, sharedLoadgenDbCore: false })).toEqual(['database']);
  });
});

describe('attribute: thresholds at their boundaries', () => {
  it(`APP_SATURATED: app CPU ${APP_SATURATED} is framework, just below is not`, () => {
    expect(labels(makeCell({ rps: 1000, appCpu: APP_SATURATED }))).toEqual(['framework']);
    expect(labels(makeCell({ rps: 1000, appCpu: APP_SATURATED - 1e-9 }))).toEqual(['undetermined']);
  });

  it(`NEAR_BOUND: ${NEAR_BOUND} of a Little bound or a database ceiling holds, just below does not`, () => {
    expect(labels(makeCell({ rps: 850 }), { little: pool(1000), sharedLoadgenDbCore: false })).toEqual(['connection pool']);
    expect(labels(makeCell({ rps: 849.99 }), { little: pool(1000), sharedLoadgenDbCore: false })).toEqual(['undetermined']);
    expect(labels(makeCell({ rps: 8500 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false })).toEqual(['database']);
    expect(labels(makeCell({ rps: 8499 }), { dbCeilingRps: 10_000, sharedLoadgenDbCore: false })).toEqual(['undetermined']);
    expect(labels(makeCell({ rps: 8500 }), { loadgenCeilingRps: 10_000, sharedLoadgenDbCore: false })).toEqual(['load generator']);
    expect(labels(makeCell({ rps: 8499 }), { loadgenCeilingRps: 10_000, sharedLoadgenDbCore: false })).toEqual(['undetermined']);
  });

  it(`DB_SATURATED: database CPU ${DB_SATURATED} is database, just below is not`, () => {
    expect(labels(makeCell({ rps: 1000, dbCpu: DB_SATURATED }))).toEqual(['database', 'database CPU']);
    expect(labels(makeCell({ rps: 1000, dbCpu: DB_SATURATED - 1e-9 }))).toEqual(['undetermined']);
  });

  it(`LOADGEN_SATURATED: load generator CPU ${LOADGEN_SATURATED} flags the cell, just below does not`, () => {
    expect(attribute(makeCell({ rps: 1000, loadgenCpu: LOADGEN_SATURATED }), noBounds).flagged).toBe(true);
    expect(attribute(makeCell({ rps: 1000, loadgenCpu: LOADGEN_SATURATED - 1e-9 }), noBounds).flagged).toBe(false);
  });

  it(`SHARED_CORE_SATURATED: a shared core ${SHARED_CORE_SATURATED} busy flags the cell unless the app is saturated`, () => {
    const shared: Bounds = { sharedLoadgenDbCore: true };
    const db = SHARED_CORE_SATURATED - 0.5; // exact in binary: 0.5 + db === SHARED_CORE_SATURATED
    expect(labels(makeCell({ rps: 1000, loadgenCpu: 0.5, dbCpu: db, appCpu: 0.5 }), shared)).toEqual(['load generator']);
    expect(labels(makeCell({ rps: 1000, loadgenCpu: 0.5, dbCpu: db - 1e-9, appCpu: 0.5 }), shared)).toEqual(['undetermined']);
    expect(labels(makeCell({ rps: 1000, loadgenCpu: 0.5, dbCpu: db, appCpu: APP_SATURATED }), shared)).toEqual(['framework']);
    // Not shared: the same figures say nothing about the load generator.
    expect(labels(makeCell({ rps: 1000, loadgenCpu: 0.5, dbCpu: db, appCpu: 0.5 }))).toEqual(['undetermined']);
  });
});

describe('Little bound and labels', () => {
  it('has no Little bound at zero latency, and takes the smallest of the three limits', () => {
    expect(littleBoundRps(64, 10, 10, 0)).toBeUndefined();
    expect(littleBoundRps(4, 10, 10, 10)).toBe(400);
    expect(littleBoundRps(64, 8, 10, 20)).toBe(400);
    expect(littleBoundRps(64, 10, 10, 10.5)).toBeCloseTo(952.4, 1);
  });

  it('writes labels compactly', () => {
    expect(shortLabels(['framework'])).toBe('framework');
    expect(shortLabels(['connection pool'])).toBe('pool');
    expect(shortLabels(['load generator', 'framework'])).toBe('loadgen+fw');
    expect(shortLabels(['undetermined'])).toBe('?');
  });
});

describe('crossover', () => {
  it('finds the latency from which a framework stays pool- or database-bound, whatever else holds', () => {
    const points = [
      { dbLatencyMs: 0, rps: 3000, labels: ['framework' as const] },
      { dbLatencyMs: 1, rps: 2900, labels: ['framework' as const] },
      { dbLatencyMs: 2, rps: 2800, labels: ['database' as const] },
      { dbLatencyMs: 5, rps: 1900, labels: ['framework' as const] },
      { dbLatencyMs: 10, rps: 950, labels: ['framework' as const, 'connection pool' as const] },
      { dbLatencyMs: 20, rps: 480, labels: ['connection pool' as const] },
    ];
    // 2 ms is database-bound but 5 ms is not again: the crossover is where it stays bound.
    expect(frameworkCrossoverMs(points)).toBe(10);
    expect(frameworkCrossoverMs(points.slice(0, 2))).toBeUndefined();
  });

  it('counts lock and commit waits as database-bound only without a saturated framework', () => {
    // A standard run's hot-rows sweep: every framework 'fw+commit' at k 1000, Starlette at 4x Django's rate.
    expect(isDbBound(['framework', 'commit latency'])).toBe(false);
    expect(isDbBound(['framework', 'lock waits', 'commit latency'])).toBe(false);
    expect(isDbBound(['lock waits'])).toBe(true);
    expect(isDbBound(['commit latency'])).toBe(true);
    // A database-side bound counts whatever else holds.
    expect(isDbBound(['framework', 'connection pool'])).toBe(true);
    expect(isDbBound(['framework', 'database CPU'])).toBe(true);
    expect(isDbBound(['framework'])).toBe(false);
    const points = [
      { dbLatencyMs: 0, rps: 2000, labels: ['framework' as const, 'commit latency' as const] },
      { dbLatencyMs: 1, rps: 1900, labels: ['framework' as const, 'lock waits' as const] },
      { dbLatencyMs: 2, rps: 1100, labels: ['lock waits' as const] },
    ];
    expect(frameworkCrossoverMs(points)).toBe(2);
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
