import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type EngineOptions, ERROR_MESSAGES_KEPT, type Outcome, runEngine, type Sender } from '../../harness/load/open-loop-engine.ts';

/** A fake connection that answers after `delayMs` (or never, or with an error). */
function fakeSender(delayMs: number, outcome: Outcome | 'never' = { kind: 'response', status: 200, bytes: 10 }): Sender & { sent: number } {
  const s = {
    sent: 0,
    send(done: (o: Outcome) => void) {
      s.sent++;
      if (outcome !== 'never') setTimeout(() => done(outcome), delayMs);
    },
  };
  return s;
}

function options(o: Partial<EngineOptions> = {}): EngineOptions {
  return { rateRps: 100, arrival: 'constant', seed: 1, warmupS: 0, durationS: 0.5, timeoutS: 5, lateToleranceMs: 2, ...o };
}

const clock = () => performance.now();

describe('runEngine', () => {
  it('sends every scheduled request once and counts only the measured window', async () => {
    const senders = Array.from({ length: 20 }, () => fakeSender(5));
    let starts = 0;
    const r = await runEngine(options({ warmupS: 0.2, durationS: 0.3, onMeasureStart: () => starts++ }), senders, clock);
    expect(starts).toBe(1);
    expect(r.counts.warmupScheduled).toBe(20);
    expect(r.counts.scheduled).toBe(30);
    expect(r.counts.sent).toBe(30);
    expect(r.counts.responses2xx).toBe(30);
    expect(r.counts.timeouts + r.counts.errors + r.counts.non2xx).toBe(0);
    expect(senders.reduce((a, s) => a + s.sent, 0)).toBe(50);
    expect(r.histogram.totalCount).toBe(30);
    // Every answer took the fake's 5 ms, less up to 1 ms because Node's timers count from a whole-ms loop clock.
    expect(r.counts.latencyMinMs).toBeGreaterThanOrEqual(3.9);
    expect(r.histogram.minNonZeroValue).toBeGreaterThanOrEqual(3900);
  });

  it('counts requests that wait for a free connection as late and times them from their due time', async () => {
    // One connection answering in 20 ms can carry 50 requests/s; 200/s are offered.
    const r = await runEngine(options({ rateRps: 200, durationS: 0.5 }), [fakeSender(20)], clock);
    expect(r.counts.scheduled).toBe(100);
    // Only the first request finds the connection free on time.
    expect(r.counts.late).toBeGreaterThanOrEqual(90);
    // Closed-loop timing (from the send) sees ~20 ms; timing from the due time sees the queue, which grows to about a second.
    const fromSendMeanMs = r.counts.fromSendSumMs / r.counts.responses;
    const meanMs = r.counts.latencySumMs / r.counts.responses;
    // Generous: a busy machine can stall a 20 ms timer by tens of ms.
    expect(fromSendMeanMs).toBeLessThan(100);
    expect(meanMs).toBeGreaterThan(5 * fromSendMeanMs);
    expect(r.counts.latencyMaxMs).toBeGreaterThan(1000);
  });

  it('tells late sends the generator held (a connection was free when it woke) from those the server held', async () => {
    // A waker that always fires 5 ms after the due time: the machine waking the generator late.
    const lateWaker = (atMs: number, fire: () => void) => {
      const poll = () => (clock() >= atMs + 5 ? fire() : setTimeout(poll, 1));
      poll();
    };
    const r = await runEngine(
      options({ rateRps: 100, durationS: 0.3 }),
      Array.from({ length: 10 }, () => fakeSender(1)),
      clock,
      lateWaker,
    );
    expect(r.counts.scheduled).toBe(30);
    // Ten idle connections for a request every 10 ms: none waited for one. Every one after the first
    // (sent as the run began, without the waker) went out over 2 ms late, except, on a loaded
    // machine, one that fell due just before a wake-up the machine delayed by more than a gap.
    expect(r.counts.late).toBe(0);
    expect(r.counts.lateGenerator).toBeGreaterThanOrEqual(20);
    expect(r.counts.lateGenerator).toBeLessThanOrEqual(29);
    expect(r.counts.generatorLagMaxMs).toBeGreaterThanOrEqual(5);
    // Still timed from the due time: the generator's delay is in every latency but the first one's.
    expect(r.histogram.getValueAtPercentile(10)).toBeGreaterThanOrEqual(5000);

    // The one-connection overload above, again: what waited for the busy connection is the server's.
    const busy = await runEngine(options({ rateRps: 200, durationS: 0.5 }), [fakeSender(20)], clock);
    expect(busy.counts.late).toBeGreaterThanOrEqual(90);
    expect(busy.counts.lateGenerator).toBeLessThanOrEqual(busy.counts.scheduled - busy.counts.late);
  });

  it('counts requests never answered within the timeout as timeouts, and ends by the timeout', async () => {
    const started = performance.now();
    const r = await runEngine(options({ rateRps: 100, durationS: 0.2, timeoutS: 0.1 }), [fakeSender(0, 'never'), fakeSender(0, 'never')], clock);
    expect(r.counts.scheduled).toBe(20);
    // Two were sent and hung; the rest waited for a connection that never came free.
    expect(r.counts.sent).toBe(2);
    expect(r.counts.timeouts).toBe(20);
    expect(r.counts.late).toBe(18);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('keeps the first few distinct error messages with their counts, and counts every error', async () => {
    let n = 0;
    const varied: Sender = { send: (done) => setTimeout(() => done({ kind: 'error', message: `reset ${n++ % 8}` }), 0) };
    const r = await runEngine(options({ durationS: 0.16 }), [varied], clock);
    expect(r.counts.errors).toBe(16);
    expect(Object.keys(r.counts.errorMessages)).toHaveLength(ERROR_MESSAGES_KEPT);
    expect(r.counts.errorMessages['reset 0']).toBe(2);
  });

  it('counts errors and non-2xx responses apart from successes', async () => {
    const errors = await runEngine(options({ durationS: 0.1 }), [fakeSender(0, { kind: 'error', message: 'ECONNREFUSED' })], clock);
    expect(errors.counts.errors).toBe(10);
    expect(errors.counts.errorMessages).toEqual({ ECONNREFUSED: 10 });
    expect(errors.histogram.totalCount).toBe(0);
    const non2xx = await runEngine(options({ durationS: 0.1 }), [fakeSender(0, { kind: 'response', status: 503, bytes: 0 })], clock);
    expect(non2xx.counts.non2xx).toBe(10);
    expect(non2xx.counts.responses2xx).toBe(0);
    expect(non2xx.counts.windowResponses2xx).toBe(0);
  });

  it('refuses to run without a connection', () => {
    expect(() => runEngine(options(), [], clock)).toThrow(/at least one connection/);
  });
});
