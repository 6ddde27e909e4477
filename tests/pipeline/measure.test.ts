import { describe, expect, it } from 'vitest';
import { MAX_FAILED_SHARE, measurementProblem } from '../../harness/pipeline/measure.ts';
import { makeMeasurement } from '../support/factories.ts';

describe('the failed-request threshold', () => {
  it('is 0.1%, counting errors (timeouts included) and non-2xx against every request', () => {
    expect(MAX_FAILED_SHARE).toBe(0.001);
    expect(measurementProblem(makeMeasurement({ requests2xx: 9990, errors: 6, non2xx: 4 }))).toBeUndefined();
    expect(measurementProblem(makeMeasurement({ requests2xx: 9989, errors: 6, non2xx: 5 }))).toBe(
      '11 of 10000 requests failed (0.11%, above 0.1%): 6 errors (0 timeouts), 5 non-2xx',
    );
  });

  it('names what the errors said when the generator kept their messages', () => {
    const m = makeMeasurement({ requests2xx: 451, errors: 1, errorMessages: { 'other side closed': 1 } });
    expect(measurementProblem(m)).toBe('1 of 452 requests failed (0.22%, above 0.1%): 1 errors (0 timeouts), 0 non-2xx; errors said "other side closed" x1');
  });

  it('with timeouts, says how long the answered requests waited: a queue served out of order shows in its p99', () => {
    // FastAPI on big-result at 10,000 rows, 64 connections over an asyncpg pool of 10 (docs/measured-facts.md).
    const m = makeMeasurement({
      rps: 23.8,
      durationS: 10,
      requests2xx: 238,
      errors: 13,
      timeouts: 13,
      latencyP50Ms: 675.3,
      latencyP99Ms: 9191.4,
      latencyMaxMs: 9949.9,
    });
    expect(measurementProblem(m)).toBe(
      '13 of 251 requests failed (5.18%, above 0.1%): 13 errors (13 timeouts), 0 non-2xx; the answered requests: 23.8 req/s, p50 675 ms, p99 9,191 ms, max 9,950 ms',
    );
  });

  it('fails a run with no 2xx response at all', () => {
    expect(measurementProblem(makeMeasurement({ requests2xx: 0, errors: 0 }))).toMatch(/^no successful \(2xx\) responses/);
  });
});
