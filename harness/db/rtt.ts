import pg from 'pg';
import { BenchError, errorLine } from '../errors.ts';
import { harnessConnectionString } from './app-name.ts';
import { redactUrl } from './seed.ts';

export { effectiveHoldMs } from './rtt-hold.ts';

/**
 * A measured round trip must be within 20% of the one asked for: the RTT shifts the
 * Little's-law bound by RTT/(latency+RTT), and at 0.5 ms a 20% error is 0.1 ms, below the
 * 1 ms step of the slow-db latencies, so the crossover stays in the same cell.
 */
export const RTT_TOLERANCE = 0.2;
/** Round trips per measurement: 200 give a stable median and a p99 from two samples, in well under a second at 1 ms. */
export const RTT_ITERATIONS = 200;
/** Round trips discarded first: the connection's first queries pay for plan caching and TCP slow start. */
const RTT_WARMUP = 10;

/** Median and p99 of a series of round trips, in ms. */
export interface RttSummary {
  medianMs: number;
  p99Ms: number;
  samples: number;
}

/** Pure: nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Pure: round trips in ms -> median and p99. */
export function summarizeRtt(samplesMs: number[]): RttSummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    medianMs: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    samples: sorted.length,
  };
}

/**
 * Pure: the RTT the path adds, the median through it minus the median of the direct
 * (loopback) path: what a query pays on top of what it pays on loopback.
 */
export function addedRttMs(through: RttSummary, direct: RttSummary): number {
  return Math.max(0, through.medianMs - direct.medianMs);
}

/** Pure: why the measured RTT is not the requested one (more than RTT_TOLERANCE off), or undefined. */
export function rttProblem(requestedMs: number, through: RttSummary, direct: RttSummary): string | undefined {
  if (requestedMs === 0) return undefined;
  const added = addedRttMs(through, direct);
  const off = Math.abs(added - requestedMs) / requestedMs;
  if (off <= RTT_TOLERANCE) return undefined;
  return (
    `--db-rtt ${requestedMs}: the path adds ${added.toFixed(3)} ms (median ${through.medianMs.toFixed(3)} ms, p99 ${through.p99Ms.toFixed(3)} ms ` +
    `over ${through.samples} SELECT 1, minus the direct ${direct.medianMs.toFixed(3)} ms), ${(off * 100).toFixed(0)}% off, above ${RTT_TOLERANCE * 100}%`
  );
}

/** Throws NETWORK with the figures when the measured RTT is off by more than RTT_TOLERANCE. */
export function requireRtt(requestedMs: number, through: RttSummary, direct: RttSummary): void {
  const problem = rttProblem(requestedMs, through, direct);
  if (problem) {
    throw new BenchError('NETWORK', problem, {
      hint: 'a busy machine delays the proxy; close other load, or use a machine with netem (see docs/network.md)',
    });
  }
}

/** `SELECT 1` `iterations` times over one connection to `url`; each round trip in ms. */
export async function measureSelectRtt(url: string, iterations = RTT_ITERATIONS): Promise<number[]> {
  // Through the --db-rtt proxy too: the name is in the startup packet, which the proxy passes on as it is.
  const client = new pg.Client({ connectionString: harnessConnectionString(url, 'rtt'), connectionTimeoutMillis: 10_000 });
  // Errors surface through the awaited queries; an unhandled 'error' event would crash the harness.
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (let i = 0; i < RTT_WARMUP; i++) await client.query('SELECT 1');
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = process.hrtime.bigint();
      await client.query('SELECT 1');
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return samples;
  } catch (cause) {
    throw new BenchError('NETWORK', `measuring the round trip to ${redactUrl(url)} failed: ${errorLine(cause)}`, { cause });
  } finally {
    await client.end().catch(() => undefined);
  }
}
