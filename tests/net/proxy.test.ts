import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeRtt } from '../../harness/db/rtt.ts';
import { proxyCommand, type RunningProxy, startProxy } from '../../harness/net/proxy.ts';

/** An echo server on loopback: the round trip through the proxy minus the direct one is what the proxy adds. */
let echo: net.Server;
let echoPort: number;
let proxy: RunningProxy;
const RTTS_MS = [0.5, 1];

beforeAll(async () => {
  echo = net.createServer({ noDelay: true }, (s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
  proxy = await startProxy(
    {
      title: 'crossover-proxy-test',
      listeners: RTTS_MS.map((rtt) => ({
        bindHost: '127.0.0.1',
        bindPort: 0,
        oneWayDelayMs: rtt / 2,
        targetHost: '127.0.0.1',
        targetPort: echoPort,
      })),
    },
    [],
  );
});

afterAll(async () => {
  await proxy?.stop();
  echo?.close();
});

/** `count` ping-pongs of 16 bytes over one connection; each round trip in ms. */
async function pingPong(port: number, count: number): Promise<number[]> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise<void>((r) => socket.once('connect', r));
  const samples: number[] = [];
  const payload = Buffer.alloc(16, 1);
  for (let i = 0; i < count + 5; i++) {
    const start = process.hrtime.bigint();
    socket.write(payload);
    let got = 0;
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got >= payload.length) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
    });
    if (i >= 5) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  socket.destroy();
  return samples;
}

describe('delay proxy', () => {
  it('builds a pinned command, and one inside a namespace', () => {
    const spec = {
      title: 't',
      listeners: [
        {
          bindHost: '127.0.0.1',
          bindPort: 0,
          oneWayDelayMs: 0.25,
          targetHost: '127.0.0.1',
          targetPort: 1234,
        },
      ],
    };
    const argv = proxyCommand(spec, [1]);
    expect(argv.slice(0, 3)).toEqual(['taskset', '-c', '1']);
    expect(argv.at(-1)).toBe(JSON.stringify(spec));
    expect(proxyCommand(spec, [], 'crossover-ns').slice(0, 4)).toEqual(['ip', 'netns', 'exec', 'crossover-ns']);
    // Compiled (what `npx crossover` runs): plain node on the .js sibling, no TypeScript loader.
    const compiled = proxyCommand(spec, [], undefined, { compiled: true, nodePath: '/usr/bin/node', tsxLoader: () => 'tsx' });
    expect(compiled[0]).toBe('/usr/bin/node');
    expect(compiled[1]).toMatch(/proxy-child\.js$/);
    expect(compiled).not.toContain('--import');
  });

  // Bounded: 200 round trips per RTT, about a second. The proxy never releases early, so the
  // lower bound is the run's own 20% rule. The upper bound is loose on purpose: on the shared
  // 2-core machine these tests run on, the proxy's wakeups lag by 0.3-1 ms (docs/network.md);
  // the run itself, not this test, enforces 20% on the machine that measures.
  it.each(RTTS_MS.map((rtt, i) => [rtt, i] as const))('adds at least %s ms per round trip, and not wildly more (median)', async (rtt, index) => {
    const direct = summarizeRtt(await pingPong(echoPort, 200));
    const through = summarizeRtt(await pingPong(proxy.ports[index]!, 200));
    const added = through.medianMs - direct.medianMs;
    console.log(
      `rtt ${rtt}: direct median ${direct.medianMs.toFixed(3)} ms; through median ${through.medianMs.toFixed(3)} p99 ${through.p99Ms.toFixed(3)} ms; added ${added.toFixed(3)} ms`,
    );
    expect(added).toBeGreaterThan(rtt * 0.8);
    expect(added).toBeLessThan(rtt + 3);
  });

  it('keeps the order of chunks and passes the end of a stream on', async () => {
    const socket = net.connect({
      host: '127.0.0.1',
      port: proxy.ports[0]!,
      noDelay: true,
    });
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    for (let i = 0; i < 100; i++) socket.write(Buffer.from(`${i},`));
    socket.end();
    await new Promise<void>((r) => socket.once('close', () => r()));
    expect(Buffer.concat(received).toString()).toBe(Array.from({ length: 100 }, (_, i) => `${i},`).join(''));
  });
});
