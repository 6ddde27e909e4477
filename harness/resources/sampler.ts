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

/** Samples targets until stopped; a target that cannot be read is dropped, not fatal. */
export function startSampling(targets: SampledTarget[], now: () => number = () => performance.now()) {
  const series = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  const dead = new Set<string>();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    await Promise.all(
      targets.map(async (t) => {
        if (dead.has(t.name)) return;
        try {
          const reading = await t.read();
          series.get(t.name)!.push({ atMs: now(), reading });
        } catch {
          dead.add(t.name);
        }
      }),
    );
    busy = false;
  };
  void tick();
  const timer = setInterval(() => void tick(), SAMPLE_INTERVAL_MS);
  return {
    /** Adds a target after start (the load generator's pid is known only once it runs). */
    add(target: SampledTarget) {
      targets.push(target);
      series.set(target.name, []);
    },
    /** Restarts every series: samples before this (the warm-up) are dropped. */
    reset() {
      for (const key of series.keys()) series.set(key, []);
    },
    async stop(): Promise<Partial<Record<SampledTarget['name'], Usage>>> {
      clearInterval(timer);
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
