/**
 * The open-loop engine: sends requests on a schedule that ignores responses, over a bounded
 * set of keep-alive connections, and times each one from when it was *due*, so queueing
 * behind a stall is counted (see docs/open-loop.md). Transport and clock are passed in, so
 * the same code runs in the child process (undici) and in unit tests (fakes).
 */
import type hdr from 'hdr-histogram-js';
import { pollingWaker } from '../util/precise-timer.ts';
import { newLatencyHistogram, toUs } from './open-loop-histogram.ts';
import { type Arrival, scheduleMs } from './open-loop-schedule.ts';

/** What one request came to. */
export type Outcome = { kind: 'response'; status: number; bytes: number } | { kind: 'timeout' } | { kind: 'error'; message: string };

/** One keep-alive connection: one request at a time, `done` called exactly once per `send`. */
export interface Sender {
  send(done: (outcome: Outcome) => void): void;
}

export interface EngineOptions {
  rateRps: number;
  arrival: Arrival;
  seed: number;
  warmupS: number;
  durationS: number;
  /** A request not answered this long after it was due counts as a timeout. */
  timeoutS: number;
  /** A request sent more than this after it was due is `late`. */
  lateToleranceMs: number;
  /** Called once, when the first request of the measured window is due. */
  onMeasureStart?: (() => void) | undefined;
}

/** Monotonic milliseconds. */
export type Clock = () => number;

/**
 * Calls `fire` once, at (not much after) the clock's `atMs`. The engine asks for the next due
 * time after every batch; a waker need not handle more than one pending call.
 */
export type Waker = (atMs: number, fire: () => void) => void;

/** Distinct error messages kept per run: enough to name a cause, bounded when every request fails differently. */
export const ERROR_MESSAGES_KEPT = 5;

/** Counters and histograms of the measured window (requests due in [warmup, warmup + duration)). */
export interface EngineCounts {
  /** Requests due in the measured window. */
  scheduled: number;
  sent: number;
  /**
   * Held by the server: sent more than the tolerance after they were due because every
   * connection was busy when the generator woke for them, or never sent. Counts against the cell.
   */
  late: number;
  /**
   * Held by the generator: sent more than the tolerance after they were due although a connection
   * was free when the generator woke for them (the machine woke it late). Their latency, timed
   * from the due time, carries that delay; the cell is flagged, not failed (docs/open-loop.md).
   */
  lateGenerator: number;
  /** The longest of those generator-held delays, ms. */
  generatorLagMaxMs: number;
  responses: number;
  responses2xx: number;
  non2xx: number;
  errors: number;
  /** What the measured window's errors said, by message (the first ERROR_MESSAGES_KEPT distinct ones). */
  errorMessages: Record<string, number>;
  timeouts: number;
  /** Responses (any request) that completed inside the measured window: the achieved rate's numerator. */
  windowResponses: number;
  windowResponses2xx: number;
  windowBytes: number;
  latencySumMs: number;
  latencyMinMs: number;
  latencyMaxMs: number;
  /** Latency from the actual send, what a closed-loop generator reports. */
  fromSendSumMs: number;
  sendLagSumMs: number;
  sendLagMaxMs: number;
  /** Warm-up requests, for the record. */
  warmupScheduled: number;
  warmupErrors: number;
}

export interface EngineResult {
  counts: EngineCounts;
  /** Latency from the due time, µs. */
  histogram: hdr.Histogram;
  /** Latency from the actual send, µs (coordinated omission left in, for comparison). */
  fromSendHistogram: hdr.Histogram;
  elapsedS: number;
}

interface Pending {
  dueMs: number;
  measured: boolean;
  sentMs: number;
}

/**
 * Runs warm-up then the measured window; resolves once every measured request is answered or
 * timed out. `wake` schedules the next due time on the same clock (pollingWaker when not given).
 */
export function runEngine(o: EngineOptions, senders: Sender[], clock: Clock, wake: Waker = pollingWaker(clock)): Promise<EngineResult> {
  if (senders.length === 0) throw new RangeError('open-loop engine needs at least one connection');
  const warmupMs = o.warmupS * 1000;
  const endMs = warmupMs + o.durationS * 1000;
  const timeoutMs = o.timeoutS * 1000;
  const c: EngineCounts = {
    scheduled: 0,
    sent: 0,
    late: 0,
    lateGenerator: 0,
    generatorLagMaxMs: 0,
    responses: 0,
    responses2xx: 0,
    non2xx: 0,
    errors: 0,
    errorMessages: {},
    timeouts: 0,
    windowResponses: 0,
    windowResponses2xx: 0,
    windowBytes: 0,
    latencySumMs: 0,
    latencyMinMs: Infinity,
    latencyMaxMs: 0,
    fromSendSumMs: 0,
    sendLagSumMs: 0,
    sendLagMaxMs: 0,
    warmupScheduled: 0,
    warmupErrors: 0,
  };
  const histogram = newLatencyHistogram();
  const fromSendHistogram = newLatencyHistogram();
  const schedule = scheduleMs(o.arrival, o.rateRps, o.seed);
  // LIFO, so a light load reuses a few warm connections instead of cycling through all of them.
  const free = [...senders];
  const queue: Pending[] = [];
  let head = 0;
  const inFlight = new Set<Pending>();
  let nextDueMs = schedule.next().value;
  let announced = false;
  let finished = false;
  const t0 = clock();
  const now = () => clock() - t0;

  return new Promise((resolve) => {
    let deadline: NodeJS.Timeout | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      if (deadline) clearTimeout(deadline);
      // Whatever is still queued or in flight at the hard deadline timed out (and queued ones were never sent: late).
      for (let i = head; i < queue.length; i++) {
        const p = queue[i]!;
        if (p.measured) {
          c.timeouts++;
          c.late++;
        }
      }
      for (const p of inFlight) if (p.measured) c.timeouts++;
      if (c.latencyMinMs === Infinity) c.latencyMinMs = 0;
      resolve({ counts: c, histogram, fromSendHistogram, elapsedS: now() / 1000 });
    };

    const complete = (p: Pending, outcome: Outcome) => {
      const atMs = now();
      const inWindow = atMs >= warmupMs && atMs < endMs;
      if (outcome.kind === 'response' && inWindow) {
        c.windowResponses++;
        c.windowBytes += outcome.bytes;
        if (outcome.status >= 200 && outcome.status < 300) c.windowResponses2xx++;
      }
      if (!p.measured) {
        if (outcome.kind !== 'response') c.warmupErrors++;
        return;
      }
      if (outcome.kind === 'timeout') c.timeouts++;
      else if (outcome.kind === 'error') {
        c.errors++;
        const seen = c.errorMessages[outcome.message];
        if (seen !== undefined || Object.keys(c.errorMessages).length < ERROR_MESSAGES_KEPT) c.errorMessages[outcome.message] = (seen ?? 0) + 1;
      } else {
        const latencyMs = atMs - p.dueMs;
        if (latencyMs > timeoutMs) {
          c.timeouts++;
          return;
        }
        c.responses++;
        if (outcome.status >= 200 && outcome.status < 300) c.responses2xx++;
        else c.non2xx++;
        histogram.recordValue(toUs(latencyMs));
        fromSendHistogram.recordValue(toUs(atMs - p.sentMs));
        c.latencySumMs += latencyMs;
        c.fromSendSumMs += atMs - p.sentMs;
        c.latencyMinMs = Math.min(c.latencyMinMs, latencyMs);
        c.latencyMaxMs = Math.max(c.latencyMaxMs, latencyMs);
      }
    };

    // A request dispatched by the tick that queued it found a connection free when the generator
    // woke for it, so any lateness is the generator's; one dispatched when a response freed a
    // connection waited for the server.
    const dispatch = (fromTick = false) => {
      while (free.length > 0 && head < queue.length) {
        const p = queue[head]!;
        queue[head++] = undefined as unknown as Pending;
        const atMs = now();
        const lagMs = atMs - p.dueMs;
        if (lagMs > timeoutMs) {
          // Its answer could only count as a timeout: do not load the server with it.
          if (p.measured) {
            c.timeouts++;
            c.late++;
          }
          continue;
        }
        if (p.measured) {
          c.sent++;
          c.sendLagSumMs += lagMs;
          c.sendLagMaxMs = Math.max(c.sendLagMaxMs, lagMs);
          if (lagMs > o.lateToleranceMs) {
            if (fromTick) {
              c.lateGenerator++;
              c.generatorLagMaxMs = Math.max(c.generatorLagMaxMs, lagMs);
            } else c.late++;
          }
        }
        p.sentMs = atMs;
        const sender = free.pop()!;
        inFlight.add(p);
        sender.send((outcome) => {
          inFlight.delete(p);
          free.push(sender);
          if (finished) return;
          complete(p, outcome);
          dispatch();
          if (nextDueMs >= endMs && inFlight.size === 0 && head === queue.length) finish();
        });
      }
      // Keep the queue's storage from growing without bound on long runs.
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
    };

    const tick = () => {
      if (finished) return;
      const atMs = now();
      while (nextDueMs <= atMs && nextDueMs < endMs) {
        const measured = nextDueMs >= warmupMs;
        if (measured && !announced) {
          announced = true;
          o.onMeasureStart?.();
        }
        if (measured) c.scheduled++;
        else c.warmupScheduled++;
        queue.push({ dueMs: nextDueMs, measured, sentMs: 0 });
        nextDueMs = schedule.next().value;
      }
      dispatch(true);
      if (nextDueMs >= endMs) {
        if (inFlight.size === 0 && head === queue.length) finish();
        else deadline = setTimeout(finish, Math.max(0, endMs + timeoutMs - atMs));
        return;
      }
      wake(t0 + nextDueMs, tick);
    };

    if (warmupMs === 0) {
      announced = true;
      o.onMeasureStart?.();
    }
    tick();
  });
}
