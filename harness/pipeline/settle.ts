import type { CpuMemReading } from '../resources/proc.ts';

/**
 * After a side-by-side window, the app just measured may still be working: a threaded server
 * finishes the requests it had taken when the load generator closed its connections (DRF's
 * queries window leaves up to 10 requests of about 50 ms each). On a shared core that work
 * lands in the next app's window: in a run without this wait, an idle gunicorn took up to 17%
 * of a core during the next app's window (docs/schedule.md, "Between windows").
 *
 * So the next window waits until the app is quiet: its CPU over one step below QUIET_SHARE of
 * a core, checked every STEP_MS, for at most MAX_MS.
 */
export const SETTLE = { STEP_MS: 50, QUIET_SHARE: 0.05, MAX_MS: 2_000 } as const;

export interface SettleResult {
  /** How long the wait lasted. */
  waitedMs: number;
  /** False when MAX_MS passed with the app still busy. */
  quiet: boolean;
}

/** Waits until `read` (an app's CPU seconds) shows it quiet; `sleep` and `now` are injectable for tests. */
export async function settle(
  read: () => Promise<CpuMemReading>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = () => performance.now(),
): Promise<SettleResult> {
  const started = now();
  let before = await read();
  let at = now();
  for (;;) {
    await sleep(SETTLE.STEP_MS);
    const reading = await read();
    const t = now();
    const share = t > at ? (reading.cpuS - before.cpuS) / ((t - at) / 1000) : 0;
    if (share < SETTLE.QUIET_SHARE) return { waitedMs: t - started, quiet: true };
    if (t - started >= SETTLE.MAX_MS) return { waitedMs: t - started, quiet: false };
    before = reading;
    at = t;
  }
}
