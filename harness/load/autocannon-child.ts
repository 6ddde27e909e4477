/**
 * Runs in its own Node process, pinned to the load generator's CPUs, so autocannon never
 * shares the harness's event loop. Reads one JSON job from argv, prints one JSON result.
 *
 * One continuous autocannon run covers the warm-up and the measured window; the window is a
 * time slice of it. Two separate runs (warm-up, then a fresh one) would start the measured
 * one with empty connections and drop the requests in flight at its end: N / (X * D) of the
 * figure, 13% at 64 connections, 480 req/s and a 1 s window (docs/measured-facts.md#autocannon-window).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import hdr from 'hdr-histogram-js';

interface Job {
  url: string;
  connections: number;
  warmupS: number;
  durationS: number;
  timeoutS: number;
}

/** What was answered inside the measured window, timed at full precision (autocannon's own histogram truncates to whole ms). */
interface Window {
  durationS: number;
  responses2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytes: number;
  latencyMeanMs: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** The window's latencies (µs), HDR-encoded, for re-analysis. */
  histogram: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
// 1 µs to 60 s at 3 significant digits: the same histogram as the open-loop generator.
const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const counts = { responses2xx: 0, non2xx: 0, errors: 0, timeouts: 0, bytes: 0, sumMs: 0 };
let windowStart = Number.POSITIVE_INFINITY;
let windowEnd = Number.POSITIVE_INFINITY;
const inWindow = () => {
  const now = performance.now();
  return now >= windowStart && now < windowEnd;
};

const started = performance.now();
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    { url: job.url, connections: job.connections, duration: job.warmupS + job.durationS, timeout: job.timeoutS, pipelining: 1 },
    (error, r) => (error ? reject(error) : resolve(r)),
  );
  instance.on('response', (_client: unknown, status: number, bytes: number, responseTimeMs: number) => {
    if (!inWindow()) return;
    if (status >= 200 && status < 300) counts.responses2xx++;
    else counts.non2xx++;
    counts.bytes += bytes;
    counts.sumMs += responseTimeMs;
    histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  instance.on('reqError', (error: Error) => {
    if (!inWindow()) return;
    counts.errors++;
    if (/timeout|timed out/i.test(error.message)) counts.timeouts++;
  });
  windowStart = started + job.warmupS * 1000;
  windowEnd = windowStart + job.durationS * 1000;
  // Tells the parent when the warm-up is over, so resource samples start there too.
  setTimeout(() => process.stderr.write('measuring\n'), job.warmupS * 1000);
  process.once('SIGTERM', () => instance.stop());
});

const answered = counts.responses2xx + counts.non2xx;
const ms = (us: number) => us / 1000;
const window: Window = {
  durationS: job.durationS,
  ...counts,
  latencyMeanMs: answered > 0 ? counts.sumMs / answered : 0,
  latencyP50Ms: ms(histogram.getValueAtPercentile(50)),
  latencyP90Ms: ms(histogram.getValueAtPercentile(90)),
  latencyP99Ms: ms(histogram.getValueAtPercentile(99)),
  latencyMaxMs: ms(histogram.maxValue),
  histogram: hdr.encodeIntoCompressedBase64(histogram),
};
process.stdout.write(JSON.stringify({ latencyMeanExactMs: window.latencyMeanMs, window, result }));
