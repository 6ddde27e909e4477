import net from 'node:net';
import { BenchError } from '../errors.ts';

/**
 * Ports below the ephemeral range (32768-60999 on Linux): a port inside it can be held by
 * TIME_WAIT sockets left by a load test (DESIGN.md trap). 5432 is never used: a system
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

/** A free port in PORT_RANGE, picked at random so parallel runs rarely collide. */
export async function findFreePort(random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PORT_RANGE.min + Math.floor(random() * (PORT_RANGE.max - PORT_RANGE.min));
    if (port !== 5432 && (await portIsFree(port))) return port;
  }
  throw new BenchError('PORT_BUSY', `no free port found between ${PORT_RANGE.min} and ${PORT_RANGE.max} on 127.0.0.1`);
}

/** Checks a port the user asked for. */
export async function requireFreePort(port: number, what: string): Promise<number> {
  if (!(await portIsFree(port))) {
    throw new BenchError('PORT_BUSY', `${what}: port ${port} on 127.0.0.1 is already in use`, { hint: 'pick another with --port, or stop what holds it (ss -ltnp)' });
  }
  return port;
}
