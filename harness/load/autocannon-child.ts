/**
 * Runs in its own Node process, pinned to the load generator's CPUs, so autocannon never
 * shares the harness's event loop. Reads one JSON job from argv, prints one JSON result
 * (the run itself: autocannon-job.ts).
 */
import { type AutocannonJob, runAutocannonJob } from './autocannon-job.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as AutocannonJob;
const output = await runAutocannonJob(job, {
  onMeasuring: () => process.stderr.write('measuring\n'),
  onStopper: (stop) => process.once('SIGTERM', stop),
});
process.stdout.write(JSON.stringify(output));
