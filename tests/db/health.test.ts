import { describe, expect, it } from 'vitest';
import { watchHealth } from '../../harness/db/health.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchHealth', () => {
  it('resolves after the given number of failed checks in a row, with the reason', async () => {
    const answers = [
      undefined,
      { reason: 'SELECT 1 failed: ECONNREFUSED', logLines: [] },
      undefined,
      { reason: 'a', logLines: [] },
      { reason: 'b', logLines: ['last'] },
    ];
    const watch = watchHealth(async () => answers.shift(), 2, 5);
    // A single failure followed by a success does not count.
    await expect(watch.exited).resolves.toEqual({ reason: 'b', logLines: ['last'] });
  });

  it('counts a check that throws as a failure', async () => {
    const watch = watchHealth(async () => Promise.reject(new Error('timeout')), 1, 5);
    await expect(watch.exited).resolves.toEqual({ reason: 'timeout', logLines: [] });
  });

  it('never resolves after stop(), even when the database then goes away', async () => {
    let dead = false;
    const watch = watchHealth(async () => (dead ? { reason: 'gone', logLines: [] } : undefined), 1, 5);
    watch.stop();
    dead = true;
    const result = await Promise.race([watch.exited.then(() => 'resolved'), sleep(50).then(() => 'pending')]);
    expect(result).toBe('pending');
  });
});
