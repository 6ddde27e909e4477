import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { PreciseTimer, preciseWaker } from '../../harness/util/precise-timer.ts';

const timer = new PreciseTimer();
afterAll(() => timer.close());

describe('preciseWaker', () => {
  it('fires once, not before the instant asked for', async () => {
    const wake = preciseWaker(() => performance.now(), timer);
    const due = performance.now() + 5;
    const firedAt = await new Promise<number>((resolve) => wake(due, () => resolve(performance.now())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
    // Generous: a loaded test machine may wake the thread late; the point is that it fires at all.
    expect(firedAt - due).toBeLessThan(500);
  });

  it('replaces a pending call with a newer one', async () => {
    const wake = preciseWaker(() => performance.now(), timer);
    const fired: string[] = [];
    wake(performance.now() + 2, () => fired.push('first'));
    await new Promise<void>((resolve) =>
      wake(performance.now() + 10, () => {
        fired.push('second');
        resolve();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['second']);
  });

  it('fires on the next turn of the loop for an instant already past', async () => {
    const wake = preciseWaker(() => performance.now(), timer);
    let fired = false;
    wake(performance.now() - 1, () => {
      fired = true;
    });
    expect(fired).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toBe(true);
  });
});
