import { describe, expect, it } from 'vitest';
import { parseWrkOutput } from '../../harness/load/wrk.ts';

/** wrk 4.2 output with --latency (a recorded run, numbers rounded). */
const OUTPUT = `Running 10s test @ http://127.0.0.1:8080/json
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.31ms    1.02ms  20.12ms   90.00%
    Req/Sec    28.00k     1.20k   30.00k    80.00%
  Latency Distribution
     50%    2.10ms
     75%    2.50ms
     90%    3.10ms
     99%  600.00us
  281000 requests in 10.00s, 40.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 12
  Non-2xx or 3xx responses: 1000
Requests/sec:  28100.00
Transfer/sec:      4.00MB
`;

describe('parseWrkOutput', () => {
  it('reads rps of 2xx responses, latency in ms, and error counts', () => {
    const m = parseWrkOutput(OUTPUT);
    expect(m.rps).toBe(28_000);
    expect(m.durationS).toBe(10);
    expect(m).toMatchObject({ latencyMeanMs: 2.31, latencyP50Ms: 2.1, latencyP90Ms: 3.1, latencyMaxMs: 20.12, non2xx: 1000, timeouts: 12, errors: 13 });
    expect(m.latencyP99Ms).toBeCloseTo(0.6, 6);
    expect(m.throughputBytesPerS).toBe(4 * 2 ** 20);
  });

  it('fails with wrk’s last lines when there is no Requests/sec line', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:8080 Connection refused\n')).toThrow(/no Requests\/sec line: unable to connect/);
  });
});
