import Docker from 'dockerode';
import { BenchError } from '../errors.ts';
import { dockerError, statusCodeOf } from './client.ts';

/** `crossover-bench/<app>:<first 16 hex of the content hash>`. */
export function imageTag(appName: string, hash: string): string {
  return `crossover-bench/${appName}:${hash.slice(0, 16)}`;
}

/** The local image's id, or undefined when the daemon does not have it. */
export async function imageId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw dockerError(`cannot inspect image ${image}`, error);
  }
}

/** The local image's id; a missing image fails with `hint` (how to get it). */
export async function requireImage(docker: Docker, image: string, hint: string): Promise<string> {
  const id = await imageId(docker, image);
  if (!id) throw new BenchError('DOCKER', `image ${image} is not available locally`, { hint });
  return id;
}

/** How to get a missing base image: build the offline one, or pull the registry one. */
export function baseImageHint(image: string): string {
  return image.startsWith('crossover-')
    ? 'build it offline with: sudo docker/build-base-image.sh'
    : `pull it with: docker pull ${image} (or use --base-image crossover-base:trixie, built offline by docker/build-base-image.sh)`;
}

/**
 * The image to use: the one asked for, else the registry default when it is present
 * locally, else the offline one when it is; undefined when neither is there.
 */
export async function pickImage(explicit: string | undefined, registryDefault: string, offline: string, docker?: Docker): Promise<string | undefined> {
  if (explicit) return explicit;
  const client = docker ?? new Docker();
  if (await imageId(client, registryDefault)) return registryDefault;
  if (await imageId(client, offline)) return offline;
  return undefined;
}
