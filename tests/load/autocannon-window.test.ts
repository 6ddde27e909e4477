import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autocannonGenerator } from '../../harness/load/autocannon.ts';
import { startDelayServer } from '../support/delay-server.ts';

/**
 * The measured window is a slice of one continuous run: in steady state Little's law holds
 * for it, X = N / R. Two separate runs (the old way) started the window with empty
 * connections and dropped the requests in flight at its end, reading N / (X * D) low: 10% here
 * (64 connections, 200 ms per request, a 2 s window).
 */
const DELAY_MS = 200;
const CONNECTIONS = 64;
let server: Awaited<ReturnType<typeof startDelayServer>>;
let url: string;

beforeAll(async () => {
  server = await startDelayServer(DELAY_MS);
  url = server.url;
});

afterAll(() => server.close());

describe('autocannon measured window', () => {
  it("holds Little's law (X = N / R) within 5%, full-precision latencies included", async () => {
    const { measurement, raw } = await autocannonGenerator(false).run({ url, connections: CONNECTIONS, warmupS: 1, durationS: 2, cpus: [] }, []);
    expect(measurement.errors + measurement.non2xx).toBe(0);
    const little = CONNECTIONS / (measurement.latencyMeanMs / 1000);
    expect(Math.abs(measurement.rps / little - 1), `rps ${measurement.rps.toFixed(1)} vs N / R ${little.toFixed(1)}`).toBeLessThan(0.05);
    // Percentiles at microsecond resolution, not autocannon's whole milliseconds.
    expect(measurement.latencyP50Ms).toBeGreaterThanOrEqual(DELAY_MS);
    expect(Number.isInteger(measurement.latencyP50Ms)).toBe(false);
    expect((raw as { window?: { histogram: string } }).window?.histogram.length).toBeGreaterThan(10);
  }, 30_000);
});
