import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../harness/util/pool.ts';

/** A task whose end the test decides, with a count of tasks in flight. */
function controlled() {
  const release = new Map<number, (value: string) => void>();
  const fail = new Map<number, (error: Error) => void>();
  let running = 0;
  let peak = 0;
  const task = (item: number) =>
    new Promise<string>((resolve, reject) => {
      running += 1;
      peak = Math.max(peak, running);
      release.set(item, (value) => {
        running -= 1;
        resolve(value);
      });
      fail.set(item, (error) => {
        running -= 1;
        reject(error);
      });
    });
  return { task, release, fail, started: () => [...release.keys()], peak: () => peak };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('mapBounded', () => {
  it('never runs more than the limit at once and fills a free slot at once', async () => {
    const c = controlled();
    const done = mapBounded([0, 1, 2, 3, 4], 2, c.task);
    await settle();
    expect(c.started()).toEqual([0, 1]);
    c.release.get(1)!('one');
    await settle();
    expect(c.started()).toEqual([0, 1, 2]);
    c.release.get(0)!('zero');
    c.release.get(2)!('two');
    await settle();
    expect(c.started()).toEqual([0, 1, 2, 3, 4]);
    c.release.get(3)!('three');
    c.release.get(4)!('four');
    const outcomes = await done;
    expect(c.peak()).toBe(2);
    // Outcomes in the items' order, whatever order the tasks ended in.
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.status))).toEqual(['zero', 'one', 'two', 'three', 'four']);
  });

  it('keeps going after a task fails and returns its error as its outcome', async () => {
    const c = controlled();
    const done = mapBounded([0, 1, 2], 2, c.task);
    await settle();
    c.fail.get(0)!(new Error('build of 0 failed'));
    await settle();
    c.release.get(1)!('one');
    c.release.get(2)!('two');
    const outcomes = await done;
    expect(outcomes[0]).toEqual({ status: 'rejected', reason: new Error('build of 0 failed') });
    expect(outcomes.slice(1)).toEqual([
      { status: 'fulfilled', value: 'one' },
      { status: 'fulfilled', value: 'two' },
    ]);
  });

  it('catches a task that throws before its first await', async () => {
    const outcomes = await mapBounded(['a'], 1, () => {
      throw new Error('at once');
    });
    expect(outcomes).toEqual([{ status: 'rejected', reason: new Error('at once') }]);
  });

  it('starts nothing more once shouldStart says no, and waits for the tasks under way', async () => {
    const c = controlled();
    let go = true;
    const done = mapBounded([0, 1, 2, 3], 2, c.task, () => go);
    await settle();
    go = false;
    c.release.get(0)!('zero');
    await settle();
    expect(c.started()).toEqual([0, 1]);
    let finished = false;
    void done.then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    c.release.get(1)!('one');
    expect((await done).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'skipped', 'skipped']);
  });

  it('runs everything with a limit above the item count, and nothing for no items', async () => {
    expect(await mapBounded([1, 2], 8, async (n) => n * 2)).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: 4 },
    ]);
    expect(await mapBounded([], 2, async () => 1)).toEqual([]);
  });

  it('rejects a limit that is not a positive integer', async () => {
    await expect(mapBounded([1], 0, async () => 1)).rejects.toThrow(/limit must be a positive integer \(got 0\)/);
  });
});
