import type { Measurement } from '../results/schema.ts';
import type { OpenLoopRaw } from './open-loop-raw.ts';

/**
 * A cell whose server-held late requests (every connection busy when they fell due) exceed
 * this share of its scheduled ones did not get its offered load on time: it is labelled
 * unsustained, never averaged in. 1%: beyond it the p99 itself can be a late request. The same
 * share of generator-held late requests (a connection was free; the machine woke the generator
 * late) flags the cell instead: its latencies carry the generator's delay (docs/open-loop.md).
 */
export const OPEN_LOOP_LATE_SHARE_MAX = 0.01;

/**
 * The generator's own ceiling search allows this share of late requests (of either kind) before
 * a rate fails. Higher than a cell's 1% on purpose: on this 2-core VM the machine wakes the
 * generator more than 2 ms late for 1-2% of requests at any rate, down to 250 requests/s
 * (docs/open-loop.md, "Keeping the schedule"), and each cell flags that for itself (`~`). The
 * ceiling is after the rate where the generator itself falls behind, where its lateness climbs.
 */
export const OPEN_LOOP_CEILING_LATE_SHARE_MAX = 0.05;

/**
 * A cell whose achieved rate falls more than this share below the rate its window was scheduled
 * at (requests due in the window / its length) did not sustain it. Poisson arrivals in a short
 * window stray several percent from the nominal rate, so the comparison is with what was due.
 */
export const OPEN_LOOP_ACHIEVED_SHORTFALL_MAX = 0.01;

/**
 * Cells offered more than this share of the generator's open-loop ceiling are flagged: at 80%
 * busy, a single-threaded event loop already queues each request behind about four others'
 * work (rho / (1 - rho) = 4), so its own delay starts to show in the app's percentiles.
 */
export const OPEN_LOOP_CEILING_SHARE = 0.8;

/** Pure: is this offered rate near the generator's open-loop ceiling (so the cell is flagged)? */
export function nearOpenLoopCeiling(offeredRps: number, ceilingRps: number): boolean {
  return offeredRps > OPEN_LOOP_CEILING_SHARE * ceilingRps;
}

const usToMs = (us: number) => us / 1000;

/**
 * Pure: the open-loop child's raw output -> Measurement. Latencies are from each request's
 * scheduled time; percentiles come from the HDR histogram (3 significant digits), the mean
 * and max are exact. `rps` counts 2xx responses completed in the measured window, like autocannon's.
 */
export function normalizeOpenLoop(raw: OpenLoopRaw): Measurement {
  const durationS = raw.job.durationS;
  return {
    rps: raw.windowResponses2xx / durationS,
    // No autocannon here; the nearest equivalent is every response per second.
    autocannonRequestsAverage: raw.windowResponses / durationS,
    durationS,
    requests2xx: raw.responses2xx,
    latencyMeanMs: raw.latencyMeanMs,
    latencyP50Ms: usToMs(raw.percentilesUs.p50),
    latencyP90Ms: usToMs(raw.percentilesUs.p90),
    latencyP99Ms: usToMs(raw.percentilesUs.p99),
    latencyP999Ms: usToMs(raw.percentilesUs.p999),
    latencyMaxMs: raw.latencyMaxMs,
    errors: raw.errors,
    errorMessages: raw.errorMessages,
    timeouts: raw.timeouts,
    non2xx: raw.non2xx,
    // undici does not report connection resets apart from other errors.
    resets: 0,
    throughputBytesPerS: raw.windowBytes / durationS,
    generator: raw.generator,
    arrival: raw.job.arrival,
    offeredRps: raw.job.rateRps,
    achievedRps: raw.windowResponses / durationS,
    scheduled: raw.scheduled,
    late: raw.late,
    lateToleranceMs: raw.job.lateToleranceMs,
    lateGenerator: raw.lateGenerator,
    generatorLagMaxMs: raw.generatorLagMaxMs,
    sendLagMaxMs: raw.sendLagMaxMs,
    ...(raw.nice !== undefined ? { generatorNice: raw.nice } : {}),
  };
}

/**
 * How far below the rate due the achieved rate may fall by chance: OPEN_LOOP_ACHIEVED_SHORTFALL_MAX,
 * or three standard deviations of the window's edge effect when that is larger. The achieved
 * rate counts responses that *complete* in the window, the due rate requests *due* in it. The two
 * windows are the same length, offset by the latency: requests due in the last `latency` of the
 * window complete after it, and warm-up requests due in the `latency` before it complete inside.
 * With Poisson arrivals each of those slices holds a Poisson count of mean rate x mean latency,
 * so their difference has variance 2 x rate x latency: at 80.9 requests/s and 51 ms over a 5 s
 * window, 3 sigma is 2.2% of the 385 requests due; measured cells there read 1% short.
 */
export function achievedShortfallAllowance(m: Pick<Measurement, 'arrival' | 'offeredRps' | 'latencyMeanMs' | 'scheduled'>): number {
  if (m.arrival !== 'poisson' || !m.offeredRps || !m.scheduled) return OPEN_LOOP_ACHIEVED_SHORTFALL_MAX;
  const edge = 3 * Math.sqrt(2 * m.offeredRps * (m.latencyMeanMs / 1000));
  return Math.max(OPEN_LOOP_ACHIEVED_SHORTFALL_MAX, edge / m.scheduled);
}

/**
 * Why an open-loop measurement did not sustain its offered rate, or undefined when it did. Pure.
 * `ceilingSearch`: judge it as a step of the generator's own ceiling search, where the generator
 * is what is measured: late requests of both kinds count, up to OPEN_LOOP_CEILING_LATE_SHARE_MAX.
 */
export function openLoopShortfall(m: Measurement, o: { ceilingSearch?: boolean } = {}): string | undefined {
  if (m.offeredRps === undefined || m.scheduled === undefined || m.late === undefined) return undefined;
  const reasons: string[] = [];
  const late = m.late + (o.ceilingSearch ? (m.lateGenerator ?? 0) : 0);
  const lateShare = m.scheduled > 0 ? late / m.scheduled : 0;
  const max = o.ceilingSearch ? OPEN_LOOP_CEILING_LATE_SHARE_MAX : OPEN_LOOP_LATE_SHARE_MAX;
  if (lateShare > max) {
    const why = o.ceilingSearch ? '' : ' with every connection busy';
    reasons.push(`${(lateShare * 100).toFixed(1)}% of requests sent more than ${m.lateToleranceMs ?? '?'} ms late${why} (max ${max * 100}%)`);
  }
  const achieved = m.achievedRps ?? m.rps;
  const dueRps = m.scheduled / m.durationS;
  if (achieved < dueRps * (1 - achievedShortfallAllowance(m))) {
    reasons.push(`achieved ${achieved.toFixed(0)} of the ${dueRps.toFixed(0)} requests/s due in the window`);
  }
  if (m.timeouts > 0) reasons.push(`${m.timeouts} requests not answered within the timeout`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/**
 * Pure: the generator-held late share when it exceeds OPEN_LOOP_LATE_SHARE_MAX (the cell is
 * flagged: its latencies carry up to `generatorLagMaxMs` of the generator's own delay), else undefined.
 */
export function generatorLateShare(m: Pick<Measurement, 'scheduled' | 'lateGenerator'>): number | undefined {
  if (!m.scheduled || m.lateGenerator === undefined) return undefined;
  const share = m.lateGenerator / m.scheduled;
  return share > OPEN_LOOP_LATE_SHARE_MAX ? share : undefined;
}
