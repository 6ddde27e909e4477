import { Worker } from 'node:worker_threads';

/**
 * Wakes the event loop at a given process.hrtime.bigint() instant with sub-millisecond
 * precision, without spinning. A worker thread sleeps in Atomics.wait (a futex with a
 * high-resolution timeout) until the earliest requested instant, then posts a message, which
 * wakes the main loop through libuv's async handle. setTimeout cannot do this: it rounds to
 * whole milliseconds. A spin on setImmediate could, but on a loaded machine the kernel
 * deschedules a spinning process for several milliseconds (docs/network.md, "Proxy accuracy").
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const generation = new Int32Array(workerData, 0, 1);
const due = new BigInt64Array(workerData, 8, 1);
for (;;) {
  const gen = Atomics.load(generation, 0);
  const at = Atomics.load(due, 0);
  if (at === 0n) { Atomics.wait(generation, 0, gen); continue; }
  const remainingMs = Number(at - process.hrtime.bigint()) / 1e6;
  if (remainingMs > 0) { Atomics.wait(generation, 0, gen, remainingMs); continue; }
  if (Atomics.compareExchange(due, 0, at, 0n) === at) parentPort.postMessage(0);
}
`;

export class PreciseTimer {
  readonly #shared = new SharedArrayBuffer(16);
  readonly #generation = new Int32Array(this.#shared, 0, 1);
  readonly #due = new BigInt64Array(this.#shared, 8, 1);
  readonly #worker: Worker;
  readonly #listeners = new Set<() => void>();

  constructor() {
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: this.#shared,
    });
    this.#worker.unref();
    this.#worker.on('message', () => {
      for (const listener of [...this.#listeners]) listener();
    });
  }

  /** Calls `listener` whenever the timer fires (at the earliest instant asked for by anyone). */
  onFire(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fire no later than `atNs` (an earlier pending instant stays). */
  wakeAt(atNs: bigint): void {
    for (;;) {
      const current = Atomics.load(this.#due, 0);
      if (current !== 0n && current <= atNs) return;
      if (Atomics.compareExchange(this.#due, 0, current, atNs) === current) break;
    }
    Atomics.add(this.#generation, 0, 1);
    Atomics.notify(this.#generation, 0);
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

let shared: PreciseTimer | undefined;
/** One timer thread per process, started on first use. */
export function preciseTimer(): PreciseTimer {
  if (!shared) shared = new PreciseTimer();
  return shared;
}

/**
 * A one-shot waker on the timer thread for a millisecond clock (performance.now() by default):
 * `wake(atMs, fire)` calls `fire` once the clock reaches `atMs`; a newer call replaces a pending
 * one. Used by the open-loop generator to keep its schedule without polling.
 */
export function preciseWaker(clock: () => number, timer: PreciseTimer = preciseTimer()): (atMs: number, fire: () => void) => void {
  let pending: (() => void) | undefined;
  let pendingAtMs = 0;
  const arm = (atMs: number) => {
    timer.wakeAt(process.hrtime.bigint() + BigInt(Math.max(0, Math.round((atMs - clock()) * 1e6))));
  };
  timer.onFire(() => {
    const fire = pending;
    if (!fire) return;
    // Another user of the shared timer may have asked for an earlier instant: wait on.
    if (clock() < pendingAtMs) {
      arm(pendingAtMs);
      return;
    }
    pending = undefined;
    fire();
  });
  return (atMs, fire) => {
    if (atMs <= clock()) {
      pending = undefined;
      setImmediate(fire);
      return;
    }
    pending = fire;
    pendingAtMs = atMs;
    arm(atMs);
  };
}

/**
 * Below this many ms to the next due time the fallback waker polls with setImmediate instead of
 * a timer: Node's timers fire on whole-millisecond ticks, and up to 1 ms of send lag would add
 * a bias of that size to every latency (a quarter of a 2 ms service time).
 */
export const SPIN_BELOW_MS = 1;

/**
 * The fallback waker, on the event loop alone: a timer to within SPIN_BELOW_MS of the instant,
 * then a poll on setImmediate. Precise on an idle core, but the poll burns the core, and on a core
 * shared with busy processes the kernel deschedules it for milliseconds (docs/open-loop.md,
 * "Keeping the schedule"). The child process uses the worker-thread timer instead.
 */
export function pollingWaker(clock: () => number): (atMs: number, fire: () => void) => void {
  const wake = (atMs: number, fire: () => void): void => {
    const gapMs = atMs - clock();
    if (gapMs <= 0) setImmediate(fire);
    else if (gapMs >= SPIN_BELOW_MS + 1) setTimeout(() => wake(atMs, fire), Math.floor(gapMs - SPIN_BELOW_MS));
    else setImmediate(() => wake(atMs, fire));
  };
  return wake;
}
