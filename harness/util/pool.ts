/** How one item of a bounded map ended: its value, its error, or never started. */
export type Outcome<R> = { status: 'fulfilled'; value: R } | { status: 'rejected'; reason: unknown } | { status: 'skipped' };

/**
 * Runs `task` over `items` with at most `limit` tasks in flight, starting them in the items'
 * order. A task that throws does not stop the others: its error is its outcome. Before each
 * start `shouldStart` is asked; once it says no (Ctrl-C), the items not started are skipped
 * and the tasks in flight are awaited.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  shouldStart: () => boolean = () => true,
): Promise<Outcome<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`mapBounded: limit must be a positive integer (got ${limit})`);
  const outcomes: Outcome<R>[] = items.map(() => ({ status: 'skipped' }));
  let next = 0;
  // Each lane takes the next item when its previous one settles, so at most `limit` run at once.
  const lane = async (): Promise<void> => {
    while (next < items.length && shouldStart()) {
      const index = next++;
      try {
        outcomes[index] = { status: 'fulfilled', value: await task(items[index]!, index) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return outcomes;
}
