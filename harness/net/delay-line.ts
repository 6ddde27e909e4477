import { type PreciseTimer, preciseTimer } from '../util/precise-timer.ts';

/**
 * A first-in first-out line that releases each item a fixed delay after it arrived, with
 * sub-millisecond precision and no busy waiting: a PreciseTimer wakes the event loop when
 * the head is due (docs/network.md, "Proxy accuracy").
 */
export class DelayLine {
  readonly #delayNs: bigint;
  readonly #now: () => bigint;
  readonly #timer: PreciseTimer;
  readonly #queue: { dueNs: bigint; release: () => void }[] = [];
  #head = 0;

  /** `delayMs` may be fractional; with 0 an item leaves at once unless others wait before it. */
  constructor(delayMs: number, timer: PreciseTimer = preciseTimer(), now: () => bigint = () => process.hrtime.bigint()) {
    this.#delayNs = BigInt(Math.round(delayMs * 1e6));
    this.#now = now;
    this.#timer = timer;
    timer.onFire(() => this.#tick());
  }

  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Schedules `release` for arrival time + delay; items leave in the order they came. */
  push(release: () => void): void {
    if (this.#delayNs === 0n && this.pending === 0) {
      release();
      return;
    }
    const dueNs = this.#now() + this.#delayNs;
    this.#queue.push({ dueNs, release });
    if (this.pending === 1) this.#timer.wakeAt(dueNs);
  }

  #tick(): void {
    const now = this.#now();
    while (this.pending > 0 && this.#queue[this.#head]!.dueNs <= now) this.#queue[this.#head++]!.release();
    // Compact now and then, so a long-lived line does not keep every released item.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.pending > 0) this.#timer.wakeAt(this.#queue[this.#head]!.dueNs);
  }
}
