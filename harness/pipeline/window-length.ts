import type { CellPlan } from '../plan.ts';
import { type Measurement, SHORT_WINDOW } from '../results/schema.ts';
import { failedRequests, MAX_FAILED_SHARE } from './measure.ts';

/** A cell's load-run timing once lengthened: ramp, measured seconds, and how long one request may take. */
export interface WindowLength {
  warmupS: number;
  durationS: number;
  timeoutS: number;
}

/**
 * How far a window may be lengthened. A closed loop of C connections against an app that
 * serves X requests/s keeps each request queued C / X seconds (Little's law): 64 connections
 * on a 10,000-row big-result at 10 req/s wait 6.4 s each, so a 2-second window ends before
 * the first answer and measures nothing. The window is then made long enough for the queue
 * to fill during the ramp (warm-up of at least C / X) and to turn over three times while
 * measured, up to these limits; past them the cell fails with the reason.
 */
export const LONGEST_WINDOW = { warmupS: 30, durationS: 60, timeoutS: 60 } as const;

/** The generator's own per-request timeout, which a lengthened window raises to twice the queue's wait. */
export const DEFAULT_REQUEST_TIMEOUT_S = 10;

/**
 * Pure: the timeouts of a window whose requests all waited about as long as the timeout: the
 * only failures are timeouts, and the queue's mean wait (in-flight requests / rate, Little's
 * law) is more than half the timeout. A closed loop served in order keeps every request about
 * that long, so the timeout, not the app, failed them: DRF on big-result at 10,000 rows served
 * 5.8 requests/s to 64 connections (11.0 s each) and 7 of 65 passed the 10 s timeout. An app
 * whose requests time out at many times its mean wait is not excused (FastAPI's asyncpg pool
 * at 2.4 s mean and 1 timeout at 10 s: docs/measured-facts.md).
 */
export function queueTimeouts(m: Measurement, plan: Pick<CellPlan, 'connections' | 'pipelining' | 'timeoutS'>): { waitS: number } | undefined {
  if (m.timeouts === 0 || m.errors !== m.timeouts || m.non2xx > 0 || m.requests2xx === 0 || m.durationS <= 0) return undefined;
  const waitS = (plan.connections * (plan.pipelining ?? 1)) / (m.requests2xx / m.durationS);
  return 2 * waitS > (plan.timeoutS ?? DEFAULT_REQUEST_TIMEOUT_S) ? { waitS } : undefined;
}

/**
 * Pure: the longer timing a closed-loop window needs, or undefined when it was long enough
 * (at least one answer per connection, and a timeout at least twice the queue's wait where
 * requests timed out) or cannot be lengthened further. A window whose requests failed for
 * another reason (errors, non-2xx beyond the allowed share) is left to fail as it is: it was
 * not too short, it was wrong.
 */
export function longerWindow(
  m: Measurement,
  plan: Pick<CellPlan, 'connections' | 'pipelining' | 'warmupS' | 'durationS' | 'timeoutS' | 'rateSpec'>,
): WindowLength | undefined {
  if (plan.rateSpec !== undefined) return undefined;
  const inFlight = plan.connections * (plan.pipelining ?? 1);
  const queued = queueTimeouts(m, plan);
  if (m.requests2xx >= inFlight && !queued) return undefined;
  if (m.requests2xx > 0 && failedRequests(m).share > MAX_FAILED_SHARE && !queued) return undefined;
  if (m.requests2xx === 0 && m.errors + m.non2xx > 0) return undefined;
  if (plan.durationS >= LONGEST_WINDOW.durationS) return undefined;
  // The queue's wait from what the window did complete; with nothing completed, at least the whole window.
  const rate = m.durationS > 0 ? m.requests2xx / m.durationS : 0;
  const waitS = rate > 0 ? inFlight / rate : 2 * (plan.warmupS + plan.durationS);
  const timeoutS = plan.timeoutS ?? DEFAULT_REQUEST_TIMEOUT_S;
  return {
    warmupS: Math.min(LONGEST_WINDOW.warmupS, Math.max(plan.warmupS, Math.ceil(waitS))),
    durationS: Math.min(LONGEST_WINDOW.durationS, Math.max(2 * plan.durationS, Math.ceil(3 * waitS))),
    timeoutS: Math.min(LONGEST_WINDOW.timeoutS, Math.max(timeoutS, Math.ceil(2 * waitS))),
  };
}

/** Pure: the reason kept with the short window in results.json (`remeasured`). */
export function shortWindowReason(m: Measurement, plan: Pick<CellPlan, 'connections' | 'pipelining' | 'durationS' | 'timeoutS'>, next: WindowLength): string {
  const inFlight = plan.connections * (plan.pipelining ?? 1);
  const queued = queueTimeouts(m, plan);
  const what = queued
    ? `${m.timeouts} timeout(s) at ${plan.timeoutS ?? DEFAULT_REQUEST_TIMEOUT_S} s while ${inFlight} requests in flight waited ${queued.waitS.toFixed(1)} s each on average (${m.requests2xx} answers in ${plan.durationS} s)`
    : `${m.requests2xx} answer(s) in ${plan.durationS} s for ${inFlight} requests in flight`;
  return `${SHORT_WINDOW}: ${what}; measured again with ${next.warmupS} s + ${next.durationS} s (timeout ${next.timeoutS} s)`;
}

/** The plan with the cell's lengthened timing, once it has one. */
export function timedPlan(lengthened: Map<string, WindowLength>, plan: CellPlan): CellPlan {
  const timing = lengthened.get(plan.id);
  return timing ? { ...plan, ...timing } : plan;
}
