/**
 * The open-loop load generator behind the LoadGenerator seam: requests at a fixed offered rate,
 * timed from their scheduled send, in a child process pinned to the generator's CPUs.
 * See docs/open-loop.md.
 */
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.ts';
import { processTreeReader } from '../resources/proc.ts';
import { startSampling } from '../resources/sampler.ts';
import { mayRaisePriority, runNodeChild } from '../util/node-child.ts';
import { formatZodError } from '../zod-format.ts';
import { killOnAbort } from './abort.ts';
import { normalizeOpenLoop } from './open-loop-normalize.ts';
import { type OpenLoopJob, type OpenLoopRaw, OpenLoopRawSchema } from './open-loop-raw.ts';
import type { LoadGenerator, LoadJob, LoadResult } from './types.ts';

const CHILD = fileURLToPath(new URL('./open-loop-child.ts', import.meta.url));

/**
 * A request sent more than this after its scheduled time is `late`. Node's timers tick in
 * whole milliseconds and the engine polls the last millisecond, so an idle generator sends
 * within a fraction of a millisecond; 2 ms of lag means its event loop was busy or every
 * connection was taken.
 */
export const LATE_TOLERANCE_MS = 2;

/** Fixed, so the Poisson schedule is the same in every run and every framework sees the same arrivals. */
export const DEFAULT_SEED = 277;

/** Seconds a request may take from its scheduled time before it counts as a timeout (autocannon's default too). */
export const DEFAULT_TIMEOUT_S = 10;

/**
 * The generator's nice value where the harness may set it (root). It sleeps between due times
 * and shares a core with the database; at the default a waking generator waited up to 19 ms
 * behind busy processes on that core, and those waits landed in every latency
 * (docs/open-loop.md, "Keeping the schedule"). At -20 the scheduler runs it first when it wakes.
 * Not a real-time policy: V8's helper threads spin-wait on each other, and under SCHED_FIFO on
 * one core that spin never yields (the generator hung in every cell when tried).
 */
export const GENERATOR_NICE = -20;

/** Grace beyond warm-up + duration + timeout before the child is killed: every load run is bounded. */
const KILL_GRACE_S = 30;

export interface OpenLoopOptions {
  pin: boolean;
  seed?: number;
  timeoutS?: number;
  lateToleranceMs?: number;
}

export interface OpenLoopHooks {
  onPid?: (pid: number) => void;
  onMeasureStart?: () => void;
  signal?: AbortSignal | undefined;
}

/** The child's full job from a LoadJob; throws when the job has no offered rate. */
export function openLoopJob(job: LoadJob, o: Omit<OpenLoopOptions, 'pin'> = {}): OpenLoopJob {
  if (job.rateRps === undefined || !(job.rateRps > 0)) {
    throw new BenchError('USAGE', `open-loop load against ${job.url} needs an offered rate (got ${job.rateRps})`, {
      hint: 'pass rateRps > 0 in the load job (the CLI sets it from --rates)',
    });
  }
  return {
    url: job.url,
    connections: job.connections,
    rateRps: job.rateRps,
    arrival: job.arrival ?? 'poisson',
    seed: o.seed ?? DEFAULT_SEED,
    warmupS: job.warmupS,
    durationS: job.durationS,
    timeoutS: o.timeoutS ?? DEFAULT_TIMEOUT_S,
    lateToleranceMs: o.lateToleranceMs ?? LATE_TOLERANCE_MS,
  };
}

/** Runs the open-loop child once and returns its validated raw output. Rejects with the abort reason when `signal` fires. */
export async function runOpenLoop(job: OpenLoopJob, cpus: number[], pin: boolean, hooks: OpenLoopHooks = {}): Promise<OpenLoopRaw> {
  const { signal } = hooks;
  signal?.throwIfAborted();
  // taskset execs node in place, so the pid killed on abort is the generator itself.
  const killer = killOnAbort(signal);
  let stdout: string;
  try {
    stdout = await runNodeChild({
      script: CHILD,
      args: [JSON.stringify(job)],
      cpus,
      pin,
      niceness: mayRaisePriority() ? GENERATOR_NICE : undefined,
      timeoutS: job.warmupS + job.durationS + job.timeoutS + KILL_GRACE_S,
      what: `open-loop generator at ${job.rateRps} requests/s against ${job.url}`,
      onPid: (p) => {
        killer.onPid(p);
        hooks.onPid?.(p);
      },
      onMeasureStart: hooks.onMeasureStart,
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    killer.done();
  }
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(stdout);
  } catch (cause) {
    throw new BenchError('LOADGEN', `the open-loop generator printed something that is not JSON: ${stdout.slice(0, 120)}`, { cause });
  }
  const parsed = OpenLoopRawSchema.safeParse(parsedJson);
  if (!parsed.success) throw new BenchError('LOADGEN', `the open-loop generator's result has an unexpected shape: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** The open-loop generator as a LoadGenerator: CPU and memory sampled over the measured window only. */
export function openLoopGenerator(o: OpenLoopOptions): LoadGenerator {
  return {
    name: 'open-loop',
    async run(job, targets, signal): Promise<LoadResult> {
      const childJob = openLoopJob(job, o);
      const sampler = startSampling(targets);
      let raw: OpenLoopRaw;
      try {
        raw = await runOpenLoop(childJob, job.cpus, o.pin, {
          signal,
          onPid: (pid) => sampler.add({ name: 'loadgen', cores: job.cpus.length, read: processTreeReader(pid) }),
          onMeasureStart: () => {
            sampler.reset();
            job.onMeasureStart?.();
          },
        });
      } catch (error) {
        await sampler.stop();
        throw error;
      }
      return { measurement: normalizeOpenLoop(raw), usage: await sampler.stop(), raw };
    },
  };
}
