import type { CpuMemReading } from '../resources/proc.ts';

/**
 * After a side-by-side window, the app just measured may still be working: a threaded server
 * finishes the requests it had taken when the load generator closed its connections (DRF's
 * queries window leaves up to 10 requests of about 50 ms each). On a shared core that work
 * lands in the next app's window: in a run without this wait, an idle gunicorn took up to 17%
 * of a core during the next app's window (docs/schedule.md, "Between windows").
 *
 * So the next window waits until the app is quiet: its CPU over one step below QUIET_SHARE of
 * a core, checked every STEP_MS, for at most MAX_MS, or longer after slow requests
 * (settleLimitMs).
 */
export const SETTLE = { STEP_MS: 50, QUIET_SHARE: 0.05, MAX_MS: 2_000, LONGEST_MS: 30_000 } as const;

/**
 * Pure: how long to wait for an app whose window just ended with this p99 latency. The requests
 * it still holds were queued behind one another, so they take about as long as the window's
 * slowest did: twice its p99, at least MAX_MS, at most LONGEST_MS. A big-result window of
 * 10,000 rows on a threaded app had a p99 near 2 s and kept its core busy well past 2 s.
 */
export function settleLimitMs(p99Ms: number | undefined): number {
  if (p99Ms === undefined || !Number.isFinite(p99Ms)) return SETTLE.MAX_MS;
  return Math.min(SETTLE.LONGEST_MS, Math.max(SETTLE.MAX_MS, 2 * p99Ms));
}

export interface SettleResult {
  /** How long the wait lasted. */
  waitedMs: number;
  /** False when the limit passed with the app still busy. */
  quiet: boolean;
}

/** Waits until `read` (an app's CPU seconds) shows it quiet; `sleep` and `now` are injectable for tests. */
export async function settle(
  read: () => Promise<CpuMemReading>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = () => performance.now(),
  maxMs: number = SETTLE.MAX_MS,
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
    if (t - started >= maxMs) return { waitedMs: t - started, quiet: false };
    before = reading;
    at = t;
  }
}
