/**
 * One closed-loop autocannon load run, as both autocannon children run it (the one-shot child
 * per run, and the long-lived one of side-by-side rounds): one continuous run covers the
 * warm-up and the measured window; the window is a time slice of it. Two separate runs
 * (warm-up, then a fresh one) would start the measured one with empty connections and drop
 * the requests in flight at its end: N / (X * D) of the figure, 13% at 64 connections,
 * 480 req/s and a 1 s window (docs/measured-facts.md#autocannon-window).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import hdr from 'hdr-histogram-js';
import { percentileAtMost } from './open-loop-histogram.ts';

/**
 * autocannon notices the end of its duration only at its next sample tick (1 s by default), so
 * a 0.8 s run took 1 s; at 100 ms a run ends within 0.1 s of its duration. Its per-sample
 * request counts are scaled back to per second below, as its default reports them.
 */
const SAMPLE_INT_MS = 100;

export interface AutocannonJob {
  url: string;
  connections: number;
  /** Requests in flight per connection (HTTP pipelining, as TechEmpower's plaintext uses); absent: 1. */
  pipelining?: number | undefined;
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

export interface AutocannonJobOutput {
  latencyMeanExactMs: number;
  window: Window;
  result: autocannon.Result;
}

export interface JobControl {
  /** The warm-up is over: the measured window starts now. */
  onMeasuring: () => void;
  /** Registers how to stop the run early (a signal, a kill request). */
  onStopper?: (stop: () => void) => void;
}

/** Runs `job` to its end and returns the measured window with autocannon's own result. */
export async function runAutocannonJob(job: AutocannonJob, control: JobControl): Promise<AutocannonJobOutput> {
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
  let timer: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.warmupS + job.durationS,
        timeout: job.timeoutS,
        pipelining: job.pipelining ?? 1,
        sampleInt: SAMPLE_INT_MS,
      },
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
    timer = setTimeout(control.onMeasuring, job.warmupS * 1000);
    control.onStopper?.(() => instance.stop());
  });
  clearTimeout(timer);
  const perSecond = 1000 / SAMPLE_INT_MS;
  result.requests = { ...result.requests, average: result.requests.average * perSecond, mean: result.requests.mean * perSecond };
  const answered = counts.responses2xx + counts.non2xx;
  const ms = (us: number) => us / 1000;
  const window: Window = {
    durationS: job.durationS,
    ...counts,
    latencyMeanMs: answered > 0 ? counts.sumMs / answered : 0,
    latencyP50Ms: ms(percentileAtMost(histogram, 50)),
    latencyP90Ms: ms(percentileAtMost(histogram, 90)),
    latencyP99Ms: ms(percentileAtMost(histogram, 99)),
    latencyMaxMs: ms(histogram.maxValue),
    histogram: hdr.encodeIntoCompressedBase64(histogram),
  };
  return { latencyMeanExactMs: window.latencyMeanMs, window, result };
}
