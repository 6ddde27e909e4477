import type { Usage } from '../results/schema.ts';
import type { CpuMemReading } from './proc.ts';

/** Every 250 ms: fine enough to see a saturated core, cheap enough not to become load itself. */
export const SAMPLE_INTERVAL_MS = 250;

export interface Sample {
  atMs: number;
  reading: CpuMemReading;
}

/** Pure: cumulative readings -> mean and peak utilisation of `cores` cores. */
export function summarizeSamples(samples: Sample[], cores: number): Usage | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const wallS = (last.atMs - first.atMs) / 1000;
  if (wallS <= 0) return undefined;
  let peak = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = (b.atMs - a.atMs) / 1000;
    if (dt > 0) peak = Math.max(peak, (b.reading.cpuS - a.reading.cpuS) / dt / cores);
  }
  const mems = samples.map((s) => s.reading.memBytes);
  return {
    // Readers accumulate per process and never go back; the clamp is a guard, not a correction.
    cpuMeanUtil: Math.max(0, (last.reading.cpuS - first.reading.cpuS) / wallS / cores),
    cpuPeakUtil: peak,
    cores,
    memMeanBytes: mems.reduce((x, y) => x + y, 0) / mems.length,
    memPeakBytes: Math.max(...mems),
    samples: samples.length,
  };
}

export interface SampledTarget {
  name: 'app' | 'database' | 'loadgen' | 'proxy';
  cores: number;
  read: () => Promise<CpuMemReading>;
}

/** A read that fails this many times in a row drops its target; one failed read (a remote engine busy under load) does not. */
export const MAX_CONSECUTIVE_FAILURES = 3;
/** A read that has not answered in this long counts as failed, so a hung reader neither stalls the series nor stop(). */
export const READ_TIMEOUT_MS = 5_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Samples targets until stopped. A target is dropped only after MAX_CONSECUTIVE_FAILURES
 * failed reads in a row, never fatally; stop() waits for the reading in flight before it
 * takes the last one (an engine's stats call can take a second to answer).
 */
export function startSampling(
  targets: SampledTarget[],
  now: () => number = () => performance.now(),
  options: { intervalMs?: number; readTimeoutMs?: number } = {},
) {
  const intervalMs = options.intervalMs ?? SAMPLE_INTERVAL_MS;
  const readTimeoutMs = options.readTimeoutMs ?? READ_TIMEOUT_MS;
  const series = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  // Consecutive failed reads per target; at MAX_CONSECUTIVE_FAILURES the target is no longer read.
  const failures = new Map<string, number>();
  let inFlight: Promise<void> | undefined;
  const readAll = async () => {
    await Promise.all(
      targets.map(async (t) => {
        if ((failures.get(t.name) ?? 0) >= MAX_CONSECUTIVE_FAILURES) return;
        try {
          const reading = await withTimeout(t.read(), readTimeoutMs);
          failures.set(t.name, 0);
          // A reader that knows when its figures were taken (an engine's stats answer) is timed by that.
          series.get(t.name)!.push({ atMs: reading.takenAtMs ?? now(), reading });
        } catch {
          failures.set(t.name, (failures.get(t.name) ?? 0) + 1);
        }
      }),
    );
  };
  const tick = () => {
    if (inFlight) return inFlight;
    inFlight = readAll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    /** Adds a target after start (the load generator's pid is known only once it runs). */
    add(target: SampledTarget) {
      targets.push(target);
      series.set(target.name, []);
    },
    /**
     * Restarts every series: samples before this (the warm-up) are dropped. A reading in flight
     * is kept: a process reader's figures are milliseconds old when it answers, and an engine's
     * stats answer is taken when it is sent.
     */
    reset() {
      for (const key of series.keys()) series.set(key, []);
    },
    async stop(): Promise<Partial<Record<SampledTarget['name'], Usage>>> {
      clearInterval(timer);
      if (inFlight) await inFlight;
      await tick();
      const out: Partial<Record<SampledTarget['name'], Usage>> = {};
      for (const t of targets) {
        const usage = summarizeSamples(series.get(t.name) ?? [], t.cores);
        if (usage) out[t.name] = usage;
      }
      return out;
    },
  };
}
