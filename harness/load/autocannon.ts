import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { z } from 'zod';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import { formatZodError } from '../zod-format.ts';

const CHILD = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url));
/** tsx's loader by absolute URL, so the child works whatever the current directory is. */
const TSX_LOADER = import.meta.resolve('tsx');

/** The part of autocannon's result the harness relies on; the rest is kept raw. */
export const AutocannonResultSchema = z
  .object({
    duration: z.number(),
    errors: z.number(),
    timeouts: z.number(),
    non2xx: z.number(),
    resets: z.number().default(0),
    mismatches: z.number().default(0),
    '2xx': z.number(),
    latency: z
      .object({ average: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), max: z.number(), min: z.number() })
      .passthrough(),
    requests: z.object({ average: z.number(), total: z.number(), sent: z.number() }).passthrough(),
    throughput: z.object({ average: z.number() }).passthrough(),
  })
  .passthrough();
export type AutocannonResult = z.infer<typeof AutocannonResultSchema>;

const ChildOutputSchema = z.object({
  warmup: z.object({ requests: z.number(), errors: z.number(), non2xx: z.number() }).optional(),
  result: AutocannonResultSchema,
});
export type LoadRunOutput = z.infer<typeof ChildOutputSchema>;

export interface LoadJob {
  url: string;
  connections: number;
  warmupS: number;
  durationS: number;
  cpus: number[];
  /** Seconds autocannon waits for one response before counting a timeout. */
  timeoutS?: number;
}

/** Grace beyond warm-up + duration before the child is killed: every load run is bounded. */
const KILL_GRACE_S = 30;

/** Runs autocannon in a pinned child process; `onPid` lets the caller sample its CPU. */
export interface LoadRunHooks {
  /** The child's pid, for CPU sampling. */
  onPid?: (pid: number) => void;
  /** The warm-up is over and the measured window starts. */
  onMeasureStart?: () => void;
}

export async function runAutocannon(job: LoadJob, pin: boolean, hooks: LoadRunHooks = {}): Promise<LoadRunOutput> {
  const payload = JSON.stringify({ url: job.url, connections: job.connections, warmupS: job.warmupS, durationS: job.durationS, timeoutS: job.timeoutS ?? 10 });
  const nodeArgs = ['--import', TSX_LOADER, CHILD, payload];
  const [file, args] = pin ? ['taskset', ['-c', job.cpus.join(','), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = execa(file, args as string[], {
    timeout: (job.warmupS + job.durationS + KILL_GRACE_S) * 1000,
    reject: false,
    all: false,
  });
  const unregister = onCleanup('autocannon', async () => {
    child.kill('SIGKILL');
  });
  if (child.pid !== undefined) hooks.onPid?.(child.pid);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('measuring')) hooks.onMeasureStart?.();
  });
  const done = await child;
  unregister();
  if (done.timedOut) throw new BenchError('LOADGEN', `autocannon against ${job.url} did not finish within ${job.warmupS + job.durationS + KILL_GRACE_S} s`);
  if (done.exitCode !== 0) {
    throw new BenchError('LOADGEN', `autocannon against ${job.url} exited with ${done.exitCode ?? done.signal}: ${String(done.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(String(done.stdout));
  } catch (cause) {
    throw new BenchError('LOADGEN', `autocannon printed something that is not JSON: ${String(done.stdout).slice(0, 120)}`, { cause });
  }
  const parsed = ChildOutputSchema.safeParse(raw);
  if (!parsed.success) throw new BenchError('LOADGEN', `autocannon's result has an unexpected shape: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
