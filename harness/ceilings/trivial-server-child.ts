/**
 * A server far faster than any Python app: it does not parse HTTP, it answers each
 * request head (counted by its blank line) with one canned keep-alive response. Used only
 * to measure the load generator's own ceiling. Prints its port, then serves until killed.
 */
import net from 'node:net';

const BODY = '{"message":"Hello, World!"}';
const RESPONSE = Buffer.from(
  `HTTP/1.1 200 OK\r\nServer: trivial\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
);

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let tail = '';
  socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    let count = 0;
    let at = text.indexOf('\r\n\r\n');
    let last = -1;
    while (at !== -1) {
      count++;
      last = at + 4;
      at = text.indexOf('\r\n\r\n', last);
    }
    tail = last === -1 ? text : text.slice(last);
    if (count > 0) socket.write(count === 1 ? RESPONSE : Buffer.concat(Array.from({ length: count }, () => RESPONSE)));
  });
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
