import Docker from 'dockerode';
import { dockerAvailable } from '../../harness/docker/client.ts';

/** Docker tests need a daemon and the offline base image (.ci/docker-setup.sh makes both). */
export const TEST_BASE_IMAGE = process.env.CROSSOVER_TEST_BASE_IMAGE ?? 'crossover-base:trixie';

export async function dockerReadiness(image = TEST_BASE_IMAGE): Promise<{ ok: boolean; reason: string }> {
  const daemon = await dockerAvailable();
  if (!daemon.ok) return daemon;
  const present = await new Docker()
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  return present ? daemon : { ok: false, reason: `image ${image} is missing (build it: sudo docker/build-base-image.sh)` };
}

/**
 * On CI the Docker tests must run (a missing daemon fails them with the reason); elsewhere
 * they are skipped with the reason printed.
 */
export async function dockerTestGate(what: string, image = TEST_BASE_IMAGE): Promise<{ run: boolean; ready: { ok: boolean; reason: string } }> {
  const ready = await dockerReadiness(image);
  const run = ready.ok || Boolean(process.env.CI);
  if (!run) console.warn(`skipping ${what}: ${ready.reason}`);
  return { run, ready };
}

/** Containers the harness labelled, still present (running or not). */
export async function harnessContainers(): Promise<string[]> {
  const found = await new Docker().listContainers({ all: true, filters: { label: ['crossover-bench=true'] } });
  return found.map((c) => `${c.Id.slice(0, 12)} ${c.Image} ${c.State}`);
}
