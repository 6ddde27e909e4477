import { describe, expect, it } from 'vitest';
import { summarizeCell } from '../../harness/analysis/summary.ts';
import { plannedCell } from '../../harness/results/recorder.ts';
import { makeCell } from '../support/factories.ts';

describe('summarizeCell', () => {
  it('keeps an unmeasured cell unmeasured, with no numbers and a reason', () => {
    const cell = plannedCell({ id: 'flask/db/c64', framework: 'flask', scenario: 'db', kind: 'db', connections: 64, path: '/db', warmupS: 2, durationS: 5 });
    const s = summarizeCell(cell);
    expect(s.status).toBe('unmeasured');
    expect(s.failure).toBe('not measured');
    expect(s.rps.n).toBe(0);
    expect(Number.isNaN(s.rps.median)).toBe(true);
    expect(s.noisy).toBe(false);
    expect(s.appCpu).toBeUndefined();
  });

  it('gives a failed cell its stage and reason, and a measured one its median', () => {
    expect(summarizeCell(makeCell({ framework: 'flask', scenario: 'db', rps: [], failed: 'wrong body' }))).toMatchObject({
      status: 'failed',
      failure: 'verify: wrong body',
    });
    expect(summarizeCell(makeCell({ framework: 'flask', scenario: 'db', rps: [900, 1000, 1100] }))).toMatchObject({
      status: 'ok',
      rps: { median: 1000, n: 3 },
    });
  });
});
