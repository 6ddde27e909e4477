/**
 * Runs in its own Node process, pinned to the load generator's CPUs, like autocannon's child:
 * reads one JSON job from argv, runs the open-loop engine over undici keep-alive connections,
 * prints one JSON result (the raw output, histograms included). `measuring` on stderr marks the
 * start of the measured window.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import hdr from 'hdr-histogram-js';
import { Client } from 'undici';
import { PreciseTimer, preciseWaker } from '../util/precise-timer.ts';
import { type Outcome, runEngine, type Sender } from './open-loop-engine.ts';
import { percentileAtMost } from './open-loop-histogram.ts';
import { OpenLoopJobSchema, type OpenLoopRaw } from './open-loop-raw.ts';

/** This process's nice value (the 19th field of /proc/self/stat), or undefined where /proc is not there. */
function niceValue(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
    return Number.isInteger(nice) ? nice : undefined;
  } catch {
    return undefined;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * How long an idle connection is kept. Below the shortest idle timeout of the apps' servers
 * (gunicorn's --keep-alive, 2 s by default; uvicorn's is 5 s), so the client always closes an
 * idle connection first. Kept longer, a request sent just as gunicorn closed the connection
 * failed: one error in 452-952 requests, in 3 of the 126 open-loop measurements of a standard
 * run, all on gunicorn apps (docs/open-loop.md, Connections). undici times the idle connection
 * with Node's own timer, so it closes at 1 s, not up to a second later; the max caps a server's hint.
 */
const IDLE_KEEP_MS = 1_000;

function connection(origin: string, path: string, timeoutMs: number): { sender: Sender; client: Client } {
  const client = new Client(origin, {
    pipelining: 1,
    keepAliveTimeout: IDLE_KEEP_MS,
    keepAliveMaxTimeout: IDLE_KEEP_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const sender: Sender = {
    send(done: (o: Outcome) => void) {
      let status = 0;
      let bytes = 0;
      client.dispatch(
        { origin, path, method: 'GET' },
        {
          // undici recognises the new handler API by this method.
          onRequestStart: () => undefined,
          onResponseStart: (_controller, statusCode) => {
            status = statusCode;
          },
          onResponseData: (_controller, chunk) => {
            bytes += chunk.length;
          },
          // Deferred: `done` may send the next request on this client, which undici does not accept from inside its own callbacks.
          onResponseEnd: () => queueMicrotask(() => done({ kind: 'response', status, bytes })),
          onResponseError: (_controller, error) => {
            const code = (error as { code?: string }).code;
            const outcome: Outcome = code && TIMEOUT_CODES.has(code) ? { kind: 'timeout' } : { kind: 'error', message: error.message };
            setImmediate(() => done(outcome));
          },
        },
      );
    },
  };
  return { sender, client };
}

const job = OpenLoopJobSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const url = new URL(job.url);
const connections = Array.from({ length: job.connections }, () => connection(url.origin, url.pathname + url.search, job.timeoutS * 1000));
const timer = new PreciseTimer();
const result = await runEngine(
  { ...job, onMeasureStart: () => process.stderr.write('measuring\n') },
  connections.map((c) => c.sender),
  () => performance.now(),
  // The timer thread sleeps until each due time: no poll that a busy core would deschedule.
  preciseWaker(() => performance.now(), timer),
);
await Promise.all(connections.map((c) => c.client.destroy()));
// The timer thread's message port would keep the process alive.
await timer.close();
const { counts: c, histogram, fromSendHistogram } = result;
const raw: OpenLoopRaw = {
  generator: 'open-loop',
  job,
  elapsedS: result.elapsedS,
  ...c,
  latencyMeanMs: c.responses > 0 ? c.latencySumMs / c.responses : 0,
  fromSendMeanMs: c.responses > 0 ? c.fromSendSumMs / c.responses : 0,
  sendLagMeanMs: c.sent > 0 ? c.sendLagSumMs / c.sent : 0,
  percentilesUs: {
    p50: percentileAtMost(histogram, 50),
    p90: percentileAtMost(histogram, 90),
    p99: percentileAtMost(histogram, 99),
    p999: percentileAtMost(histogram, 99.9),
  },
  fromSendPercentilesUs: {
    p50: percentileAtMost(fromSendHistogram, 50),
    p90: percentileAtMost(fromSendHistogram, 90),
    p99: percentileAtMost(fromSendHistogram, 99),
    p999: percentileAtMost(fromSendHistogram, 99.9),
  },
  histogram: hdr.encodeIntoCompressedBase64(histogram),
  fromSendHistogram: hdr.encodeIntoCompressedBase64(fromSendHistogram),
  nice: niceValue(),
};
process.stdout.write(JSON.stringify(raw));
