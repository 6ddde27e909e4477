import { describe, expect, it } from 'vitest';
import { SETTLE, settle, settleLimitMs } from '../../harness/pipeline/settle.ts';

/** A fake app: `busyMs` of full-core work left, then idle; a fake clock that sleeps instantly. */
function fakeApp(busyMs: number) {
  let t = 0;
  const read = async () => ({ cpuS: Math.min(t, busyMs) / 1000, memBytes: 0 });
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { read, sleep, now: () => t };
}

describe('settle between side-by-side windows', () => {
  it('returns after one step when the app is already quiet', async () => {
    const app = fakeApp(0);
    expect(await settle(app.read, app.sleep, app.now)).toEqual({ waitedMs: SETTLE.STEP_MS, quiet: true });
  });

  it('waits until the work left over from the window is done', async () => {
    const app = fakeApp(430);
    const result = await settle(app.read, app.sleep, app.now);
    expect(result.quiet).toBe(true);
    // Busy until 430 ms: the first quiet step is the one from 450 to 500 ms.
    expect(result.waitedMs).toBe(500);
  });

  it('gives up after MAX_MS when the app never quiets, and says so', async () => {
    const app = fakeApp(Number.POSITIVE_INFINITY);
    const result = await settle(app.read, app.sleep, app.now);
    expect(result).toEqual({ waitedMs: SETTLE.MAX_MS, quiet: false });
  });

  it('counts a share of a core: 4% is quiet, 6% is not', async () => {
    for (const [share, quiet] of [
      [0.04, true],
      [0.06, false],
    ] as const) {
      let t = 0;
      const read = async () => ({ cpuS: (t * share) / 1000, memBytes: 0 });
      const result = await settle(
        read,
        async (ms) => {
          t += ms;
        },
        () => t,
      );
      expect(result.quiet).toBe(quiet);
    }
  });

  it('waits longer after slow requests: twice the window p99, within MAX_MS and LONGEST_MS', async () => {
    expect(settleLimitMs(undefined)).toBe(SETTLE.MAX_MS);
    expect(settleLimitMs(40)).toBe(SETTLE.MAX_MS);
    expect(settleLimitMs(1_800)).toBe(3_600);
    expect(settleLimitMs(60_000)).toBe(SETTLE.LONGEST_MS);
    // Three seconds of work left over: quiet within a 3.6 s limit, not within the default 2 s.
    const slow = fakeApp(3_000);
    expect((await settle(slow.read, slow.sleep, slow.now, settleLimitMs(1_800))).quiet).toBe(true);
    const cut = fakeApp(3_000);
    expect((await settle(cut.read, cut.sleep, cut.now)).quiet).toBe(false);
  });
});
