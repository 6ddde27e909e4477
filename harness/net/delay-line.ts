/**
 * A first-in first-out line that releases each item a fixed delay after it arrived, with
 * sub-millisecond precision. Node's timers fire on whole milliseconds and late, so the line
 * sleeps with setTimeout until SPIN_WINDOW_NS before the head is due, then polls the
 * high-resolution clock on setImmediate until it is (docs/network.md, "Proxy accuracy").
 * The spin only runs while items are pending: an idle line costs nothing.
 */

/**
 * How early the line stops sleeping and starts polling: setTimeout on a busy 2-core machine
 * fired up to about 1.5 ms late in our measurements, so a 2 ms margin keeps most releases on time.
 */
export const SPIN_WINDOW_NS = 2_000_000n;

interface Pending {
  dueNs: bigint;
  release: () => void;
}

export class DelayLine {
  readonly #delayNs: bigint;
  readonly #now: () => bigint;
  readonly #queue: Pending[] = [];
  #head = 0;
  #armed = false;

  /** `delayMs` may be fractional; 0 releases on the next turn of the event loop, still in order. */
  constructor(delayMs: number, now: () => bigint = () => process.hrtime.bigint()) {
    this.#delayNs = BigInt(Math.round(delayMs * 1e6));
    this.#now = now;
  }

  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Schedules `release` for arrival time + delay; items leave in the order they came. */
  push(release: () => void): void {
    this.#queue.push({ dueNs: this.#now() + this.#delayNs, release });
    this.#arm();
  }

  #arm(): void {
    if (this.#armed || this.pending === 0) return;
    this.#armed = true;
    const waitNs = this.#queue[this.#head]!.dueNs - this.#now();
    if (waitNs > SPIN_WINDOW_NS) setTimeout(() => this.#tick(), Number((waitNs - SPIN_WINDOW_NS) / 1_000_000n));
    else setImmediate(() => this.#tick());
  }

  #tick(): void {
    this.#armed = false;
    const now = this.#now();
    while (this.pending > 0 && this.#queue[this.#head]!.dueNs <= now) {
      const item = this.#queue[this.#head++]!;
      item.release();
    }
    // Compact now and then, so a long-lived line does not keep every released item.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#arm();
  }
}
