/**
 * Runs in its own Node process, pinned to the load generator's CPUs, so autocannon never
 * shares the harness's event loop. Reads one JSON job from argv, prints one JSON result.
 */
import autocannon from 'autocannon';

interface Job {
  url: string;
  connections: number;
  warmupS: number;
  durationS: number;
  timeoutS: number;
}

/**
 * autocannon's histogram stores whole milliseconds (each sample truncated), so its mean
 * reads up to 1 ms low; the exact mean is summed here from every response's float time.
 */
interface ExactLatency {
  sumMs: number;
  count: number;
}

function run(job: Job, durationS: number, exact?: ExactLatency): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: job.url, connections: job.connections, duration: durationS, timeout: job.timeoutS, pipelining: 1 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (exact) {
      instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
        exact.sumMs += responseTimeMs;
        exact.count++;
      });
    }
    process.once('SIGTERM', () => instance.stop());
  });
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const warmup = job.warmupS > 0 ? await run(job, job.warmupS) : undefined;
// Tells the parent that the warm-up is over, so resource samples start here.
process.stderr.write('measuring\n');
const exact: ExactLatency = { sumMs: 0, count: 0 };
const measured = await run(job, job.durationS, exact);
process.stdout.write(
  JSON.stringify({
    warmup: warmup ? { requests: warmup.requests.total, errors: warmup.errors, non2xx: warmup.non2xx } : undefined,
    latencyMeanExactMs: exact.count > 0 ? exact.sumMs / exact.count : undefined,
    result: measured,
  }),
);
