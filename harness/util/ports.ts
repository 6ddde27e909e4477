import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BenchError } from '../errors.ts';
import { type Lock, tryLock } from './lock.ts';

/**
 * Ports below the ephemeral range (32768-60999 on Linux): a port inside it can be held by
 * TIME_WAIT sockets left by a load test (docs/faults.md). 5432 is never used: a system
 * PostgreSQL may hold it.
 */
export const PORT_RANGE = { min: 20_000, max: 32_000 } as const;

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Ports handed out are claimed with a lock file until this process exits (or releasePort):
 * between "the port is free" and the server binding it, another crossover run on the same
 * machine would otherwise pick the same port. Ports taken by unrelated programs in that
 * window still show up as EADDRINUSE, which callers retry (see docs/faults.md).
 */
export const PORT_LOCK_DIR = path.join(os.tmpdir(), 'crossover-ports');
const claimed = new Map<number, Lock>();

/** A free port in PORT_RANGE, picked at random and claimed for this process. */
export async function findFreePort(random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PORT_RANGE.min + Math.floor(random() * (PORT_RANGE.max - PORT_RANGE.min));
    if (port === 5432 || claimed.has(port)) continue;
    const lock = tryLock(path.join(PORT_LOCK_DIR, `${port}.lock`));
    if (!('release' in lock)) continue;
    if (await portIsFree(port)) {
      claimed.set(port, lock);
      return port;
    }
    lock.release();
  }
  throw new BenchError('PORT_BUSY', `no free port found between ${PORT_RANGE.min} and ${PORT_RANGE.max} on 127.0.0.1`);
}

/** Gives a port from findFreePort back to other runs (it is given back at exit anyway). */
export function releasePort(port: number): void {
  claimed.get(port)?.release();
  claimed.delete(port);
}

/** Whether an error (a Node error, or a server's log line) says the address is taken. */
export function isAddressInUse(error: unknown): boolean {
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
  return /EADDRINUSE|Address already in use/i.test(text);
}

/** Checks a port the user asked for. */
export async function requireFreePort(port: number, what: string): Promise<number> {
  if (!(await portIsFree(port))) {
    throw new BenchError('PORT_BUSY', `${what}: port ${port} on 127.0.0.1 is already in use`, {
      hint: 'pick another with --port, or stop what holds it (ss -ltnp)',
    });
  }
  return port;
}
