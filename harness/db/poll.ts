import pg from 'pg';
import { BenchError } from '../errors.ts';
import { harnessConnectionString } from './app-name.ts';

/** A running poll: `stop` ends it and rejects when any sample failed. */
export interface Poll {
  stop(): Promise<void>;
}

/**
 * Runs `sample` every `intervalMs` over one connection of its own (named crossover-bench-probe,
 * so the app's counts leave it out) until `stop`. A window shorter than the connect still gets
 * one sample at `stop`. A failed sample makes `stop` reject with `what` in the message: a
 * count that was not taken must not read as a count within the cap.
 */
export function pollDatabase(url: string, intervalMs: number, what: string, sample: (client: pg.Client) => Promise<void>): Poll {
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'probe'), connectionTimeoutMillis: 5000 });
  let taken = 0;
  let failure: unknown;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // A dead database must fail the poll, not crash the harness with an unhandled 'error' event.
  client.on('error', (error) => {
    failure ??= error;
  });
  const sampleOnce = async () => {
    await sample(client);
    taken++;
  };
  const loop = async () => {
    try {
      await sampleOnce();
    } catch (error) {
      failure ??= error;
      return;
    }
    if (!stopped) timer = setTimeout(() => (running = loop()), intervalMs);
  };
  let running: Promise<void> = client.connect().then(loop, (error: unknown) => {
    failure ??= error;
  });
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (taken === 0 && failure === undefined) await sampleOnce().catch((error: unknown) => (failure ??= error));
      await client.end().catch(() => undefined);
      if (failure !== undefined) {
        throw new BenchError('DATABASE', `${what} failed: ${(failure as Error).message}`, {
          cause: failure,
          hint: 'the database must stay reachable during the run; check its log',
        });
      }
    },
  };
}
