import { readdir } from 'node:fs/promises';
import type Docker from 'dockerode';
import { BenchError } from '../errors.ts';
import { dockerError } from './client.ts';

/** Build log lines quoted in a failed build's error. */
const BUILD_TAIL_LINES = 20;

/** One JSON object of the build progress stream. */
export interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

/** The build's log as lines, in order, errors included. */
export function buildLogLines(events: BuildEvent[]): string[] {
  const lines: string[] = [];
  for (const event of events) {
    const text = event.stream ?? event.status ?? '';
    for (const line of text.split('\n')) if (line.trim() !== '') lines.push(line.trimEnd());
    const error = event.error ?? event.errorDetail?.message;
    if (error) lines.push(`ERROR: ${error.trim()}`);
  }
  return lines;
}

/** The first error any event reports; a build stream can end "successfully" after one. */
export function buildError(events: BuildEvent[]): string | undefined {
  for (const event of events) {
    const error = event.error ?? event.errorDetail?.message;
    if (error) return error.trim();
  }
  return undefined;
}

/** Reads the build progress stream to its end; a stream error rejects, build errors are left in the events. */
function collectBuildEvents(stream: NodeJS.ReadableStream, onEvent: (event: BuildEvent) => void): Promise<BuildEvent[]> {
  return new Promise((resolve, reject) => {
    const events: BuildEvent[] = [];
    let pending = '';
    const take = (line: string): void => {
      if (line.trim() === '') return;
      let event: BuildEvent;
      try {
        event = JSON.parse(line) as BuildEvent;
      } catch {
        // Not JSON: keep it as log text rather than losing it.
        event = { stream: line };
      }
      events.push(event);
      onEvent(event);
    };
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        take(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      take(pending);
      resolve(events);
    });
  });
}

/**
 * Builds an image from a staged context with the daemon's builder and fails on ANY error
 * event: the stream of a failed RUN step still ends normally.
 */
export async function buildImageFromContext(
  docker: Docker,
  contextDir: string,
  options: { tag: string; buildargs: Record<string, string>; labels: Record<string, string>; log: (line: string) => void },
): Promise<void> {
  const src = await readdir(contextDir);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: contextDir, src },
      { t: options.tag, buildargs: options.buildargs, labels: options.labels, rm: true, forcerm: true },
    );
  } catch (cause) {
    throw dockerError(`docker build of ${options.tag} could not start`, cause);
  }
  let events: BuildEvent[];
  try {
    // Only the headers of the steps that do work are shown as progress (metadata steps take
    // milliseconds, and several builds share the terminal); the whole log is kept for a failure message.
    events = await collectBuildEvents(stream, (event) => {
      for (const line of buildLogLines([event])) if (/^Step \d+\/\d+ : (RUN|COPY|ADD) /i.test(line)) options.log(`  ${line.slice(0, 100)}`);
    });
  } catch (cause) {
    throw dockerError(`docker build of ${options.tag} was interrupted`, cause);
  }
  const failure = buildError(events);
  if (failure) {
    throw new BenchError('DOCKER', `docker build of ${options.tag} failed: ${failure}\n${buildLogLines(events).slice(-BUILD_TAIL_LINES).join('\n')}`, {
      hint: 'the message ends with the last lines of the build log; the failing step is the last "Step N/M" before ERROR',
    });
  }
  try {
    await docker.getImage(options.tag).inspect();
  } catch (cause) {
    throw new BenchError(
      'DOCKER',
      `docker build of ${options.tag} reported no error but produced no image\n${buildLogLines(events).slice(-BUILD_TAIL_LINES).join('\n')}`,
      { cause },
    );
  }
}
