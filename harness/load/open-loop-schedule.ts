import { seededRng } from '../util/random.ts';
/**
 * Pure: when each request of an open-loop run is due. Constant spacing, or Poisson arrivals
 * (exponential gaps) from a seeded generator, so a run's schedule is the same every time.
 * See docs/open-loop.md.
 */

export type Arrival = 'constant' | 'poisson';

/** Yields each request's due time in ms from the start of the run, forever, in increasing order. */
export function* scheduleMs(arrival: Arrival, rateRps: number, seed: number): Generator<number, never, undefined> {
  if (!(rateRps > 0)) throw new RangeError(`open-loop rate must be > 0 requests/s (got ${rateRps})`);
  const meanGapMs = 1000 / rateRps;
  if (arrival === 'constant') {
    // From the index, not by adding gaps, so rounding never drifts the rate.
    for (let i = 0; ; i++) yield i * meanGapMs;
  }
  const random = seededRng(seed);
  let atMs = 0;
  for (;;) {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    atMs += -Math.log(1 - random()) * meanGapMs;
    yield atMs;
  }
}

/** The due times that fall in [fromMs, toMs), for tests and for re-deriving a run's schedule. */
export function scheduleWindow(arrival: Arrival, rateRps: number, seed: number, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (const atMs of scheduleMs(arrival, rateRps, seed)) {
    if (atMs >= toMs) break;
    if (atMs >= fromMs) out.push(atMs);
  }
  return out;
}

/**
 * Pure: the mean response time a single FIFO server with a fixed service time would give for
 * these arrivals (Lindley's recursion), counting only arrivals in [fromMs, toMs). The
 * calibration test uses it to separate the luck of one arrival sequence from the generator's error.
 */
export function singleServerMeanMs(arrivalsMs: number[], serviceMs: number, fromMs: number, toMs: number): number {
  let freeAtMs = 0;
  let sumMs = 0;
  let count = 0;
  for (const atMs of arrivalsMs) {
    freeAtMs = Math.max(atMs, freeAtMs) + serviceMs;
    if (atMs >= fromMs && atMs < toMs) {
      sumMs += freeAtMs - atMs;
      count++;
    }
  }
  return count > 0 ? sumMs / count : 0;
}

/** M/D/1 mean response time (Pollaczek-Khinchine with a fixed service time): S + rho*S / (2(1 - rho)). */
export function mD1MeanMs(serviceMs: number, rho: number): number {
  return serviceMs + (rho * serviceMs) / (2 * (1 - rho));
}
