/**
 * The TCP delay proxy, run as its own process (pinned to the database's CPUs, sampled like
 * every other party). argv[2] is a JSON ProxySpec. Every chunk, in each direction, is passed
 * on `oneWayDelayMs` after it arrived, in order; so is the end of a stream. Prints the bound
 * ports as a JSON array on its first stdout line, and exits when its stdin closes (the
 * harness is gone) or on SIGTERM.
 */
import net from 'node:net';
import { DelayLine } from './delay-line.ts';
import { ProxySpecSchema } from './proxy-spec.ts';

const spec = ProxySpecSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
process.title = spec.title;

function relay(from: net.Socket, to: net.Socket, line: DelayLine): void {
  from.on('data', (chunk: Buffer) =>
    line.push(() => {
      if (to.destroyed) return;
      // Backpressure: a peer that cannot keep up pauses its source instead of growing memory.
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }),
  );
  from.on('end', () => line.push(() => to.end()));
}

async function listen(l: (typeof spec.listeners)[number]): Promise<number> {
  const line = new DelayLine(l.oneWayDelayMs);
  // Half-open streams, so a client's end reaches the server after its last delayed chunk instead of closing both at once.
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = net.connect({
      host: l.targetHost,
      port: l.targetPort,
      noDelay: true,
      allowHalfOpen: true,
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', () => line.push(() => upstream.destroy()));
    upstream.on('close', () => line.push(() => client.destroy()));
    relay(client, upstream, line);
    relay(upstream, client, line);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(l.bindPort, l.bindHost, () => resolve((server.address() as net.AddressInfo).port));
  });
}

const ports = await Promise.all(spec.listeners.map(listen));
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
// A terminal's Ctrl-C (or a closed terminal) reaches the whole process group. The proxy keeps
// relaying until the harness stops it in order, after the apps: dying first broke every app's
// database connections mid-request, and psycopg's pool then spent its 5 s close timeout
// reconnecting, past the harness's stop budget (results.json kept status `running`).
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
