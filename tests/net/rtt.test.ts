import { describe, expect, it } from 'vitest';
import { addedRttMs, effectiveHoldMs, requireRtt, rttProblem, summarizeRtt } from '../../harness/db/rtt.ts';
import { describeNetwork } from '../../harness/db/rtt-describe.ts';
import { hostPortOf, withHostPort } from '../../harness/db/rtt-path.ts';
import { BenchError, EXIT_CODES } from '../../harness/errors.ts';

const rtt = (medianMs: number, p99Ms = medianMs * 2, samples = 200) => ({
  medianMs,
  p99Ms,
  samples,
});

describe('RTT measurement', () => {
  it('summarizes round trips as median and p99 (nearest rank)', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarizeRtt(samples)).toEqual({
      medianMs: 50,
      p99Ms: 99,
      samples: 100,
    });
    expect(summarizeRtt([3, 1, 2])).toEqual({
      medianMs: 2,
      p99Ms: 3,
      samples: 3,
    });
  });

  it('subtracts the direct (loopback) median', () => {
    expect(addedRttMs(rtt(0.55), rtt(0.05))).toBeCloseTo(0.5);
    expect(addedRttMs(rtt(0.01), rtt(0.05))).toBe(0);
  });

  it('accepts a path within 20% of the request', () => {
    expect(rttProblem(0.5, rtt(0.63), rtt(0.05))).toBeUndefined(); // adds 0.58: 16% over
    expect(rttProblem(0.5, rtt(0.47), rtt(0.05))).toBeUndefined(); // adds 0.42: 16% under
    expect(rttProblem(0, rtt(5), rtt(0.05))).toBeUndefined(); // the direct path is never checked
  });

  it('rejects a path more than 20% off, naming the figures, as NETWORK (exit 3)', () => {
    const problem = rttProblem(0.5, rtt(1.25, 4.5), rtt(0.05));
    expect(problem).toContain('adds 1.200 ms');
    expect(problem).toContain('p99 4.500 ms');
    expect(problem).toContain('140% off');
    expect(rttProblem(1, rtt(0.75), rtt(0.05))).toContain('30% off');
    try {
      requireRtt(0.5, rtt(1.25), rtt(0.05));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BenchError);
      expect((error as BenchError).code).toBe('NETWORK');
      expect(EXIT_CODES.NETWORK).toBe(3);
    }
  });

  it('adds the round trip to the time a query holds its connection', () => {
    expect(effectiveHoldMs(10, 0.5)).toBe(10.5);
    // Little's law with a cap of 10: 1000 req/s at 10 ms, 952 at 10.5 ms.
    expect(Math.round((10 / effectiveHoldMs(10, 0.5)) * 1000)).toBe(952);
  });

  it('rewrites a database URL to the path, keeping user, password and database', () => {
    const url = 'postgres://bench:s3cret@127.0.0.1:15432/hello_world';
    expect(withHostPort(url, '10.231.7.2', 40001)).toBe('postgres://bench:s3cret@10.231.7.2:40001/hello_world');
    expect(hostPortOf(url)).toEqual({ host: '127.0.0.1', port: 15432 });
    expect(hostPortOf('postgres://u@db.internal/x')).toEqual({
      host: 'db.internal',
      port: 5432,
    });
  });

  it('describes the network in one line', () => {
    const line = describeNetwork({
      method: 'proxy',
      reason: 'netem unavailable',
      direct: rtt(0.05),
      paths: [
        {
          requestedRttMs: 0.5,
          measured: rtt(0.56, 0.9),
          addedMs: 0.51,
          names: ['p'],
        },
      ],
    });
    expect(line).toBe('proxy (netem unavailable); direct median 0.050 ms; rtt 0.5 ms: adds 0.510 ms (median 0.560, p99 0.900 ms, 200 SELECT 1)');
  });
});
