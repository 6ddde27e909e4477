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

function run(job: Job, durationS: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: job.url, connections: job.connections, duration: durationS, timeout: job.timeoutS, pipelining: 1 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    process.once('SIGTERM', () => instance.stop());
  });
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const warmup = job.warmupS > 0 ? await run(job, job.warmupS) : undefined;
// Tells the parent that the warm-up is over, so resource samples start here.
process.stderr.write('measuring\n');
const measured = await run(job, job.durationS);
process.stdout.write(
  JSON.stringify({
    warmup: warmup ? { requests: warmup.requests.total, errors: warmup.errors, non2xx: warmup.non2xx } : undefined,
    result: measured,
  }),
);
