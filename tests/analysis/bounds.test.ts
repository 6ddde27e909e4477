import { describe, expect, it } from 'vitest';
import { ceilingId, EFFECTIVE_LATENCY_TOLERANCE, effectiveLatency, pickDbCeiling } from '../../harness/analysis/bounds.ts';
import { makeDbCeiling } from '../support/factories.ts';

describe('effective database latency', () => {
  it("reads the ceiling run's mean transaction latency and flags 1 ms requested that was really 2.1", () => {
    const ceiling = makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: 1, rps: 4709, latencyMeanMs: 2.12 });
    expect(effectiveLatency(1, ceiling, 10)).toEqual({
      requestedMs: 1,
      effectiveMs: 2.12,
      source: 'pgbench latency',
      offBy: expect.closeTo(1.12, 9),
      flagged: true,
      ceilingId: 'database/slow-db/c64/1ms/prepared',
    });
  });

  it(`flags only beyond ${EFFECTIVE_LATENCY_TOLERANCE * 100}% off`, () => {
    const at = (latencyMeanMs: number) => effectiveLatency(10, makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: 10, rps: 800, latencyMeanMs }), 10).flagged;
    expect(at(12)).toBe(false);
    expect(at(12.01)).toBe(true);
    expect(at(8)).toBe(false);
    expect(at(7.99)).toBe(true);
  });

  it("falls back to Little's law on the ceiling's throughput, then to the requested value, and says which", () => {
    // A version 1 file: no latency, but pgbench kept 10 transactions in flight at 4,709/s.
    const v1 = effectiveLatency(1, makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: 1, rps: 4709 }), 10);
    expect(v1.source).toBe('ceiling throughput');
    expect(v1.effectiveMs).toBeCloseTo(2.124, 3);
    expect(effectiveLatency(5, undefined, 10)).toEqual({ requestedMs: 5, effectiveMs: 5, source: 'requested', offBy: 0, flagged: false, ceilingId: undefined });
  });

  it('never flags 0 ms requested (no relative error), but still reports what the query took', () => {
    const zero = effectiveLatency(0, makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: 0, rps: 20_000, latencyMeanMs: 0.5 }), 10);
    expect(zero).toMatchObject({ effectiveMs: 0.5, offBy: undefined, flagged: false });
  });
});

describe('database ceiling per statement protocol', () => {
  const ceilings = [
    makeDbCeiling({ scenario: 'db', rps: 12_000 }), // version 1: prepared
    makeDbCeiling({ scenario: 'db', rps: 9_000, protocol: 'simple' }),
    makeDbCeiling({ scenario: 'queries', rps: 800, protocol: 'prepared' }),
  ];

  it("judges a cell against the ceiling of its app's own protocol", () => {
    expect(pickDbCeiling(ceilings, { scenario: 'db', connections: 64 }, 'simple')).toEqual({ ceiling: ceilings[1] });
    expect(pickDbCeiling(ceilings, { scenario: 'db', connections: 64 }, 'prepared')).toEqual({ ceiling: ceilings[0] });
  });

  it('treats an app without a declared protocol, and a ceiling without one, as prepared', () => {
    expect(pickDbCeiling(ceilings, { scenario: 'db', connections: 64 }, undefined)).toEqual({ ceiling: ceilings[0] });
  });

  it('falls back to the prepared ceiling with a note when its protocol was not measured', () => {
    const choice = pickDbCeiling(ceilings, { scenario: 'queries', connections: 64 }, 'simple');
    expect(choice.ceiling).toBe(ceilings[2]);
    expect(choice.note).toBe('no simple-protocol database ceiling for database/queries/c64: judged against the prepared one');
    expect(pickDbCeiling(ceilings, { scenario: 'queries', connections: 16 }, 'simple')).toEqual({});
  });

  it('names ceilings stably', () => {
    expect(ceilingId(ceilings[1]!)).toBe('database/db/c64/simple');
    expect(ceilingId({ kind: 'loadgen', connections: 64, rps: 1, note: '' })).toBe('loadgen/c64');
  });
});
