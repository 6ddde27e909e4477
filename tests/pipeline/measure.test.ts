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

  it('fails a run with no 2xx response at all', () => {
    expect(measurementProblem(makeMeasurement({ requests2xx: 0, errors: 0 }))).toMatch(/^no successful \(2xx\) responses/);
  });
});
