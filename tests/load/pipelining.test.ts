import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autocannonGenerator } from '../../harness/load/autocannon.ts';

/**
 * A server that answers each connection's requests 50 ms after the first unanswered one
 * arrived, all at once, and records how many were outstanding on one socket at most: 1
 * without pipelining, the pipelining factor with it.
 */
let server: net.Server;
let url: string;
let maxOutstanding = 0;
const BODY = 'Hello, World!';
const RESPONSE = `HTTP/1.1 200 OK\r\nServer: t\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;

beforeAll(async () => {
  server = net.createServer((socket) => {
    let pending = 0;
    let tail = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => {
      const parts = (tail + chunk.toString('latin1')).split('\r\n\r\n');
      tail = parts.pop() ?? '';
      pending += parts.length;
      maxOutstanding = Math.max(maxOutstanding, pending);
      if (pending > 0 && !timer) {
        timer = setTimeout(() => {
          timer = undefined;
          socket.write(RESPONSE.repeat(pending));
          pending = 0;
        }, 50);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/plaintext`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the load job pipelining factor', () => {
  it('keeps `pipelining` requests in flight per connection, and one without it', async () => {
    maxOutstanding = 0;
    const piped = await autocannonGenerator(false).run({ url, connections: 2, pipelining: 16, warmupS: 0.2, durationS: 0.6, cpus: [] }, []);
    expect(piped.measurement.errors + piped.measurement.non2xx).toBe(0);
    expect(maxOutstanding).toBe(16);
    // 2 connections x 16 requests every ~50 ms: far above the 2 x 20 req/s of one at a time.
    expect(piped.measurement.rps).toBeGreaterThan(200);

    maxOutstanding = 0;
    const single = await autocannonGenerator(false).run({ url, connections: 2, warmupS: 0.2, durationS: 0.6, cpus: [] }, []);
    expect(maxOutstanding).toBe(1);
    expect(single.measurement.rps).toBeLessThan(60);
  }, 30_000);
});
