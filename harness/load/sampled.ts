import { processTreeReader } from '../resources/proc.ts';
import { startSampling, type SampledTarget } from '../resources/sampler.ts';
import type { Usage } from '../results/schema.ts';
import { runAutocannon, type LoadJob, type LoadRunOutput } from './autocannon.ts';

/**
 * One autocannon run with CPU and memory sampled for `targets` and for autocannon itself,
 * over the measured window only (the warm-up's samples are dropped). The sampler is
 * stopped on every path, so a failed run leaves no timer behind.
 */
export async function runSampledAutocannon(
  job: LoadJob,
  pin: boolean,
  targets: SampledTarget[],
): Promise<{ output: LoadRunOutput; usage: Partial<Record<SampledTarget['name'], Usage>> }> {
  const sampler = startSampling(targets);
  let output: LoadRunOutput;
  try {
    output = await runAutocannon(job, pin, {
      onPid: (pid) => sampler.add({ name: 'loadgen', cores: job.cpus.length, read: processTreeReader(pid) }),
      onMeasureStart: () => sampler.reset(),
    });
  } catch (error) {
    await sampler.stop();
    throw error;
  }
  return { output, usage: await sampler.stop() };
}
