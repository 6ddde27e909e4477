import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../harness/pipeline/pipeline.ts';
import { leadingWarnings } from '../../harness/report/leading.ts';
import { footnote } from '../../harness/report/tables.ts';
import { chaseRing, movedKinds, probeSpeed, SPEED_CHANGE_MAX, type SpeedReading, speedDifference } from '../../harness/resources/speed.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { fakeDeps } from '../support/fakes.ts';

/** A reading whose kinds took these medians, each with a range of +-`spread` around it. */
const reading = (computeMs: number, cacheMs: number, memoryMs: number, spread = 0.05): SpeedReading => {
  const range = (median: number) => ({ median, min: median * (1 - spread), max: median * (1 + spread) });
  return { computeMs: range(computeMs), cacheMs: range(cacheMs), memoryMs: range(memoryMs) };
};
const START = reading(4.4, 10, 24);

describe("the machine's own speed", () => {
  it('chases one cycle through every slot: back at slot 0 after exactly as many steps as slots, never before', () => {
    for (const slots of [2, 4, 1024, 1 << 16]) {
      const ring = chaseRing(slots);
      const seen = new Set<number>();
      let p = 0;
      do {
        seen.add(p);
        p = ring[p]!;
      } while (p !== 0 && seen.size <= slots);
      expect(seen.size).toBe(slots);
    }
    expect(() => chaseRing(1000)).toThrow('a chase ring needs a power of two of at least 2 slots, not 1000');
  });

  it('times every kind of work once per round, pausing between rounds, and keeps the median and the range', async () => {
    // The clock moves 2 ms per call in round 1, 4 ms in round 2, 3 ms in round 3: each kind reads 2, 4 and 3 ms.
    const steps = [2, 4, 3];
    let round = 0;
    let now = 0;
    const pauses: number[] = [];
    const r = await probeSpeed({
      rounds: 3,
      pauseMs: 7,
      clock: () => (now += steps[round]!),
      sleep: async (ms) => {
        pauses.push(ms);
        round++;
      },
    });
    expect(pauses).toEqual([7, 7]);
    for (const kind of Object.values(r)) expect(kind).toEqual({ median: 3, min: 2, max: 4 });
    const real = await probeSpeed({ rounds: 3, pauseMs: 0 });
    for (const kind of Object.values(real)) expect(kind.min).toBeGreaterThan(0);
    // A chase past the caches waits on memory at every step; register arithmetic does not.
    expect(real.memoryMs.median).toBeGreaterThan(real.computeMs.median);
  });

  it('a kind moved only when its median moved past the limit and the two ranges stayed apart', () => {
    const slower = reading(4.4, 10, 24 * (1 + SPEED_CHANGE_MAX + 0.1));
    expect(movedKinds(START, slower)).toEqual(['memoryMs']);
    expect(speedDifference(START, slower)).toBe(
      'compute 4.4 ms (4.2-4.6) -> 4.4 ms (4.2-4.6), +0%; cache 10.0 ms (9.5-10.5) -> 10.0 ms (9.5-10.5), +0%; memory 24.0 ms (22.8-25.2) -> 30.0 ms (28.5-31.5), +25%: memory moved more than 15%, the ranges apart',
    );
    expect(movedKinds(START, reading(3.3, 10, 24))).toEqual(['computeMs']);
    // The same move inside a wide range (the machine swinging while it was read) is not a change.
    expect(movedKinds(reading(4.4, 10, 24, 0.3), reading(4.4, 10, 30, 0.3))).toEqual([]);
    // Ranges apart, but the move is within the limit.
    expect(movedKinds(reading(4.4, 10, 24, 0.01), reading(4.4, 10, 27, 0.01))).toEqual([]);
    expect(speedDifference(START, START)).toBeUndefined();
  });

  /** A fake run whose machine reads `end` after the last cell; the readings in the order they were taken. */
  async function runEnding(end: SpeedReading, interrupt = false) {
    const { deps, world } = fakeDeps();
    const readings = [START, end];
    const taken: SpeedReading[] = [];
    const resultsBegun: boolean[] = [];
    deps.speed = async () => {
      resultsBegun.push(world.storage.last !== undefined);
      const r = readings.shift()!;
      taken.push(r);
      return r;
    };
    // Ctrl-C once the first reading is taken (before it, the run takes no reading at all).
    if (interrupt) deps.interrupted = () => taken.length > 0;
    await runPipeline(deps).catch(() => undefined);
    return { results: world.storage.last!, taken, resultsBegun };
  }

  it('records both readings in the results and the report, and warns among the doubts when the machine moved', async () => {
    const slowed = reading(6.6, 10, 24);
    const { results, resultsBegun } = await runEnding(slowed);
    // Read once results.json exists: a signal during the first reading still leaves a record of the run.
    expect(resultsBegun).toEqual([true, true]);
    expect(ResultsSchema.parse(results).speed).toEqual({ start: START, end: slowed });
    const warning = results.warnings.find((w) => w.code === 'MACHINE_SPEED');
    expect(warning?.message).toContain('before the first cell and after the last, took a different time: compute 4.4 ms (4.2-4.6) -> 6.6 ms (6.3-6.9), +50%;');
    expect(warning?.message).toContain('compute moved more than 15%');
    expect(leadingWarnings(results)[0]).toMatch(/^MACHINE_SPEED: /);
    expect(footnote(results)).toContain(
      'Machine speed (the same fixed work, median and range): compute 4.4 ms (4.2-4.6), cache 10.0 ms (9.5-10.5), memory 24.0 ms (22.8-25.2) before the first cell; compute 6.6 ms (6.3-6.9), cache 10.0 ms (9.5-10.5), memory 24.0 ms (22.8-25.2) after the last.',
    );

    const { results: steady } = await runEnding(reading(4.5, 10.5, 23));
    expect(steady.speed?.end).toEqual(reading(4.5, 10.5, 23));
    expect(steady.warnings.some((w) => w.code === 'MACHINE_SPEED')).toBe(false);
  });

  it('takes no second reading after Ctrl-C: the start reading stays, nothing is judged', async () => {
    const { results, taken } = await runEnding(reading(99, 99, 99), true);
    expect(taken).toEqual([START]);
    expect(results.speed).toEqual({ start: START });
    expect(results.warnings.some((w) => w.code === 'MACHINE_SPEED')).toBe(false);
  });

  it('a reading that fails costs the run nothing: no speed recorded, no warning', async () => {
    const { deps, world } = fakeDeps();
    deps.speed = async () => {
      throw new Error('cannot allocate 64 MB');
    };
    await runPipeline(deps);
    expect(world.storage.last!.status).toBe('complete');
    expect(world.storage.last!.speed).toBeUndefined();
  });
});
