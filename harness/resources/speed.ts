/**
 * The machine's own speed, read on fixed work at the start and at the end of a run. A host can
 * slow a VM without any steal in /proc/stat: on these machines a fixed Python loop took 0.44 s
 * of CPU one hour and 0.6-1.4 s the next, at 0% steal, while the run's DRIFT check moved 43-77%
 * (docs/measured-facts.md, "The machine's own speed"). When DRIFT is flagged, this reading says
 * whether the machine moved or something of ours did.
 *
 * Three kinds of work, because a neighbour can take one without the others:
 * - compute: integer arithmetic in registers (the core's clock and its share of the core);
 * - cache: a pointer chase over 4 MB, past the private L2 (inside the L3 when this guest's share of it holds 4 MB);
 * - memory: a pointer chase over 64 MB, past any L3 here (memory latency and bandwidth).
 * Each is read in several rounds spread over a few seconds: the median, and the range.
 */
import { spread } from '../analysis/stats.ts';
import type { SpeedRange, SpeedReading } from '../results/schema.ts';

export type { SpeedRange, SpeedReading };

/**
 * A kind of work flags the run when its median moved more than this between the start and the
 * end, and the two readings' ranges do not overlap. On these VMs memory-bound work swings 30-40%
 * within a minute while nothing runs (docs/measured-facts.md, "The machine's own speed"): the
 * ranges keep that swing from reading as a change.
 */
export const SPEED_CHANGE_MAX = 0.15;
/** Rounds per reading, each after a pause, so a reading spans a few seconds of the machine's moods, not one moment. */
export const SPEED_ROUNDS = 9;
export const SPEED_PAUSE_MS = 250;
const COMPUTE_STEPS = 2_000_000;
const CHASE_STEPS = 200_000;
/** 4 MB of Int32 slots: past the private L2. */
const CACHE_SLOTS = 1 << 20;
/** 64 MB: past any L3 of these machines. */
const MEMORY_SLOTS = 1 << 24;

/** Integer xorshift in registers; returns the state so the work cannot be optimised away. */
function compute(steps: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < steps; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/**
 * One cycle through every slot of a power-of-two ring, in a scattered order: slot i points to
 * (A * i + C) mod slots, a full-period linear congruential step (C odd, A - 1 a multiple of 4),
 * so each step of the chase depends on the last and lands where the prefetcher cannot guess.
 * Built in one sequential pass, in milliseconds: with shuffled rings the rounds alone took 1.7-2.0 s here, not 0.5 s.
 */
export function chaseRing(slots: number): Int32Array {
  if (slots < 2 || (slots & (slots - 1)) !== 0) throw new Error(`a chase ring needs a power of two of at least 2 slots, not ${slots}`);
  const ring = new Int32Array(slots);
  const mask = slots - 1;
  for (let i = 0; i < slots; i++) ring[i] = (Math.imul(i, RING_MULTIPLIER) + RING_INCREMENT) & mask;
  return ring;
}
const RING_MULTIPLIER = 1103515245;
const RING_INCREMENT = 12345;

function chase(ring: Int32Array, steps: number): number {
  let p = 0;
  for (let i = 0; i < steps; i++) p = ring[p]!;
  return p;
}

/** A kind's median and range over its rounds (the repeats' own statistics, analysis/stats.ts). */
function rangeOf(values: number[]): SpeedRange {
  const { median, min, max } = spread(values);
  return { median, min, max };
}

export interface ProbeOptions {
  rounds?: number;
  pauseMs?: number;
  /** Milliseconds (performance.now by default). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Times the fixed work, every kind once per round, with a pause between rounds. Each round
 * blocks the event loop for about 50 ms, so call it only while nothing is measured; a reading
 * takes about 3 s. The rings (68 MB) are built here and dropped afterwards.
 */
export async function probeSpeed(o: ProbeOptions = {}): Promise<SpeedReading> {
  const rounds = o.rounds ?? SPEED_ROUNDS;
  const clock = o.clock ?? (() => performance.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const cache = chaseRing(CACHE_SLOTS);
  const memory = chaseRing(MEMORY_SLOTS);
  const kinds = [() => compute(COMPUTE_STEPS), () => chase(cache, CHASE_STEPS), () => chase(memory, CHASE_STEPS)];
  // One untimed round compiles and warms the code; the sink is read, so the engine must do the work.
  let sink = kinds.reduce((acc, work) => acc ^ work(), 0);
  const times: number[][] = kinds.map(() => []);
  for (let r = 0; r < rounds; r++) {
    if (r > 0) await sleep(o.pauseMs ?? SPEED_PAUSE_MS);
    kinds.forEach((work, k) => {
      const start = clock();
      sink ^= work();
      times[k]!.push(clock() - start);
    });
  }
  if (sink === 0.5) throw new Error('unreachable: the sink is an integer');
  const [computeMs, cacheMs, memoryMs] = times.map(rangeOf) as [SpeedRange, SpeedRange, SpeedRange];
  return { computeMs, cacheMs, memoryMs };
}

type Kind = keyof SpeedReading;
const LABELS: Record<Kind, string> = { computeMs: 'compute', cacheMs: 'cache', memoryMs: 'memory' };
const KINDS = Object.keys(LABELS) as Kind[];

/** Pure: how much longer each kind of work took in `b` than in `a`, by median (0.2 = 20% longer, so 20% slower). */
export function speedChange(a: SpeedReading, b: SpeedReading): Record<Kind, number> {
  return Object.fromEntries(KINDS.map((k) => [k, b[k].median / a[k].median - 1])) as Record<Kind, number>;
}

/** Pure: the kinds of work whose medians moved more than `max` from `a` to `b` while their ranges stayed apart. */
export function movedKinds(a: SpeedReading, b: SpeedReading, max = SPEED_CHANGE_MAX): Kind[] {
  const change = speedChange(a, b);
  return KINDS.filter((k) => Math.abs(change[k]) > max && (b[k].min > a[k].max || b[k].max < a[k].min));
}

/** `4.4 ms (4.4-4.8)`: a kind's median and range. */
export function fmtSpeedRange(r: SpeedRange): string {
  return `${r.median.toFixed(1)} ms (${r.min.toFixed(1)}-${r.max.toFixed(1)})`;
}

/**
 * Pure: every kind of work in `a` and in `b`, with the change, when one moved (movedKinds);
 * undefined when they agree. Callers say which two readings these are.
 */
export function speedDifference(a: SpeedReading, b: SpeedReading, max = SPEED_CHANGE_MAX): string | undefined {
  const moved = movedKinds(a, b, max);
  if (moved.length === 0) return undefined;
  const change = speedChange(a, b);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
  const parts = KINDS.map((k) => `${LABELS[k]} ${fmtSpeedRange(a[k])} -> ${fmtSpeedRange(b[k])}, ${pct(change[k])}`);
  return `${parts.join('; ')}: ${moved.map((k) => LABELS[k]).join(' and ')} moved more than ${(max * 100).toFixed(0)}%, the ranges apart`;
}
