/**
 * The long-lived load generator of side-by-side rounds (docs/schedule.md, "Window timing"):
 * one Node process, pinned to the load generator's CPUs, that runs one job after another.
 * Starting a fresh process and loading autocannon cost about 0.5 s per window here, longer
 * than a short window's warm-up.
 *
 * Protocol, one JSON object per line: the parent writes `{"id":N,"job":{...}}` on stdin;
 * the child writes `ready` on stdout once loaded, `measuring N` on stderr when job N's
 * warm-up is over, and `{"id":N,"output":{...}}` or `{"id":N,"error":"..."}` on stdout when
 * it ends. One job at a time; the parent waits for a job's answer before sending the next.
 * The child exits when its stdin closes.
 */
import { createInterface } from 'node:readline';
import { type AutocannonJob, runAutocannonJob } from './autocannon-job.ts';

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, job } = JSON.parse(line) as { id: number; job: AutocannonJob };
  try {
    const output = await runAutocannonJob(job, { onMeasuring: () => process.stderr.write(`measuring ${id}\n`) });
    process.stdout.write(`${JSON.stringify({ id, output })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, error: error instanceof Error ? error.message : String(error) })}\n`);
  }
}
