import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BenchError } from '../errors.ts';
import { processTreeReader } from '../resources/proc.ts';
import { type SampledTarget, startSampling } from '../resources/sampler.ts';
import { runNodeChild } from '../util/node-child.ts';
import { formatZodError } from '../zod-format.ts';
import { abortable, killOnAbort } from './abort.ts';
import { PersistentAutocannon } from './autocannon-persistent.ts';
import { normalizeAutocannon } from './normalize.ts';
import type { LoadGenerator, LoadJob, LoadResult } from './types.ts';

const CHILD = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url));

/** The part of autocannon's result the harness relies on; the rest is kept raw. */
export const AutocannonResultSchema = z
  .object({
    duration: z.number(),
    /** Connection errors, timeouts included (autocannon counts them in both). */
    errors: z.number(),
    timeouts: z.number(),
    non2xx: z.number(),
    resets: z.number().default(0),
    mismatches: z.number().default(0),
    '2xx': z.number(),
    latency: z.object({ average: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), max: z.number(), min: z.number() }).passthrough(),
    requests: z.object({ average: z.number(), total: z.number(), sent: z.number() }).passthrough(),
    throughput: z.object({ average: z.number() }).passthrough(),
  })
  .passthrough();
export type AutocannonResult = z.infer<typeof AutocannonResultSchema>;

/** What was answered inside the measured window, at full precision. */
export const WindowSchema = z
  .object({
    durationS: z.number().positive(),
    responses2xx: z.number().int().min(0),
    non2xx: z.number().int().min(0),
    errors: z.number().int().min(0),
    timeouts: z.number().int().min(0),
    bytes: z.number().min(0),
    latencyMeanMs: z.number().min(0),
    latencyP50Ms: z.number().min(0),
    latencyP90Ms: z.number().min(0),
    latencyP99Ms: z.number().min(0),
    latencyMaxMs: z.number().min(0),
    histogram: z.string(),
  })
  .passthrough();
export type LoadWindow = z.infer<typeof WindowSchema>;

const ChildOutputSchema = z.object({
  warmup: z.object({ requests: z.number(), errors: z.number(), non2xx: z.number() }).optional(),
  /** Mean of every response's float latency; autocannon's own mean is from whole-ms buckets. */
  latencyMeanExactMs: z.number().optional(),
  /** The measured window, a time slice of one continuous run (autocannon-child.ts); absent in raw files from before it. */
  window: WindowSchema.optional(),
  result: AutocannonResultSchema,
});
export type LoadRunOutput = z.infer<typeof ChildOutputSchema>;

/** Grace beyond warm-up + duration before the child is killed: every load run is bounded. */
const KILL_GRACE_S = 30;

export interface LoadRunHooks {
  /** The child's pid, for CPU sampling. */
  onPid?: (pid: number) => void;
  /** The warm-up is over and the measured window starts. */
  onMeasureStart?: () => void;
}

/** Pure: autocannon's printed output -> its validated result. */
export function parseAutocannonOutput(stdout: string): LoadRunOutput {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch (cause) {
    throw new BenchError('LOADGEN', `autocannon printed something that is not JSON: ${stdout.slice(0, 120)}`, { cause });
  }
  const parsed = ChildOutputSchema.safeParse(raw);
  if (!parsed.success) throw new BenchError('LOADGEN', `autocannon's result has an unexpected shape: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/**
 * Runs autocannon in a child process pinned to the load generator's CPUs: a fresh one, or
 * the run's long-lived one when `persistent` is given.
 */
export async function runAutocannon(job: LoadJob, pin: boolean, hooks: LoadRunHooks = {}, persistent?: PersistentAutocannon): Promise<LoadRunOutput> {
  const childJob = {
    url: job.url,
    connections: job.connections,
    pipelining: job.pipelining ?? 1,
    warmupS: job.warmupS,
    durationS: job.durationS,
    timeoutS: job.timeoutS ?? 10,
  };
  const timeoutS = job.warmupS + job.durationS + KILL_GRACE_S;
  if (persistent) return parseAutocannonOutput(await persistent.run(childJob, timeoutS, `autocannon against ${job.url}`, hooks));
  const payload = JSON.stringify(childJob);
  const stdout = await runNodeChild({
    script: CHILD,
    args: [payload],
    cpus: job.cpus,
    pin,
    timeoutS,
    what: `autocannon against ${job.url}`,
    onPid: hooks.onPid,
    onMeasureStart: hooks.onMeasureStart,
  });
  return parseAutocannonOutput(stdout);
}

/**
 * autocannon behind the LoadGenerator seam: one run with CPU and memory sampled for
 * `targets` and for autocannon itself over the measured window only (the warm-up's samples
 * are dropped). The sampler stops on every path; `signal` kills the child at once.
 * `persistent`: one autocannon process serves every run until `close` (autocannon-persistent.ts).
 */
export function autocannonGenerator(pin: boolean, options: { persistent?: boolean; cpus?: number[] } = {}): LoadGenerator {
  const persistent = options.persistent ? new PersistentAutocannon(options.cpus ?? [], pin) : undefined;
  return {
    name: 'autocannon',
    run: (job, targets, signal) => abortable(signal, () => sampledRun(job, pin, targets, signal, persistent)),
    close: async () => persistent?.close(),
  };
}

async function sampledRun(
  job: LoadJob,
  pin: boolean,
  targets: SampledTarget[],
  signal: AbortSignal | undefined,
  persistent?: PersistentAutocannon,
): Promise<LoadResult> {
  const sampler = startSampling([...targets]);
  const killer = killOnAbort(signal);
  let output: LoadRunOutput;
  try {
    output = await runAutocannon(
      job,
      pin,
      {
        onPid: (pid) => {
          killer.onPid(pid);
          sampler.add({ name: 'loadgen', cores: job.cpus.length, read: processTreeReader(pid) });
        },
        onMeasureStart: () => {
          sampler.reset();
          job.onMeasureStart?.();
        },
      },
      persistent,
    );
  } catch (error) {
    await sampler.stop();
    throw error;
  } finally {
    killer.done();
  }
  const usage = await sampler.stop();
  return { measurement: normalizeAutocannon(output.result, output.latencyMeanExactMs, output.window), usage, raw: output };
}
