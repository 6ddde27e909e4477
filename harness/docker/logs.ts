import type Docker from 'dockerode';

/** A container's output, split by stream and in arrival order. */
export interface ContainerOutput {
  stdout: string;
  stderr: string;
  combined: string;
}

/**
 * Splits Docker's multiplexed log format (no TTY): frames of an 8-byte header
 * [stream type, 0, 0, 0, payload size uint32 BE] then the payload.
 */
export function demuxDockerLogs(buffer: Buffer): ContainerOutput {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? err : out).push(payload);
    all.push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), combined: Buffer.concat(all).toString('utf8') };
}

/** Lines of text, blank trailing line dropped, last `count` kept. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}

/** Reads a whole container's output (stdout and stderr), demultiplexed; `tail` keeps the last lines only. */
export async function containerOutput(container: Docker.Container, tail?: number): Promise<ContainerOutput> {
  const buffer = await container.logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail } : {}) });
  return demuxDockerLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer as unknown as string));
}
