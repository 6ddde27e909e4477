import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionCounts } from '../../harness/verify/connections.ts';
import { type DatabaseProbes, type StatementTotals, verifyCell } from '../../harness/verify/verify.ts';

// A conformant /db on a local port; the database is faked through the probes.
let server: http.Server;
let baseUrl: string;
let served = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    served++;
    const body = JSON.stringify({ id: 1 + (served % 9000), randomNumber: 42 });
    // `?ms=N` answers after N ms, as a slow-db endpoint would.
    const waitMs = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => {
      res.writeHead(200, { Server: 'test', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    }, waitMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/**
 * Probes whose database ran `perRow` queries and read `rowsPerRow` rows for each response since the
 * first reading; pg_stat_activity shows the sleep from the `sleepSeenFrom`-th reading on (1 by default).
 */
function fakeProbes(
  perRow: { calls: number; rows: number },
  peak: number,
  sleepSeenFrom = 1,
): DatabaseProbes & { samplerIntervals: number[]; sleepReads: number; connectionNames: (string | undefined)[] } {
  let readings = 0;
  const samplerIntervals: number[] = [];
  const probes = {
    samplerIntervals,
    sleepReads: 0,
    sleeping: async () => ++probes.sleepReads >= sleepSeenFrom,
    worldStatements: async (): Promise<StatementTotals> => {
      const n = readings++ === 0 ? 0 : served;
      return { calls: n * perRow.calls, rows: n * perRow.rows };
    },
    connectionNames: [] as (string | undefined)[],
    connections: (intervalMs: number, name?: string) => {
      samplerIntervals.push(intervalMs);
      probes.connectionNames.push(name);
      return { stop: async (): Promise<ConnectionCounts> => ({ peak, mean: peak, samples: 10 }) };
    },
  };
  return probes;
}

describe('verifyCell', () => {
  it('watches pg_stat_activity for the whole proof request, so a sleep that starts late is still seen', async () => {
    const cell = { kind: 'slow-db' as const, path: '/slow-db?ms=5', dbLatencyMs: 5 };
    // Seen only from the 9th reading, about 225 ms in: after the single read at 200 ms that this replaced.
    const late = fakeProbes({ calls: 1, rows: 1 }, 1, 9);
    const seen = await verifyCell(baseUrl, cell, late, { connectionCap: 10 });
    expect(seen.problems).toEqual([]);
    expect(late.sleepReads).toBe(9);
    // Never seen while it ran: the wait did not happen in the database.
    const never = fakeProbes({ calls: 1, rows: 1 }, 1, Number.POSITIVE_INFINITY);
    const missing = await verifyCell(baseUrl, cell, never, { connectionCap: 10 });
    expect(missing.problems.join('\n')).toContain('no active pg_sleep on world seen in pg_stat_activity while it ran');
    expect(never.sleepReads).toBeGreaterThan(5);
  });

  it('fails a db endpoint that served more rows than its queries read', async () => {
    served = 0;
    const result = await verifyCell(baseUrl, { kind: 'db', path: '/db' }, fakeProbes({ calls: 1, rows: 0.5 }, 1), { connectionCap: 10 });
    expect(result.problems).toEqual([
      '10 rows were served from 10 queries on world, but those queries read only 5 rows; each row served must be a row read from the database',
    ]);
  });

  it('fails an app above the connection cap under the burst, and names the counts', async () => {
    served = 0;
    const probes = fakeProbes({ calls: 1, rows: 1 }, 14);
    const result = await verifyCell(baseUrl, { kind: 'db', path: '/db' }, probes, { connectionCap: 10 });
    expect(probes.samplerIntervals).toEqual([25]);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^under 20 concurrent requests to \/db for 1 s the app held up to 14 database connections \(mean 14\.0 over 10 samples/);
  });

  it("counts the app's connections by its name, and fails an app whose connections carry none", async () => {
    served = 0;
    const named = fakeProbes({ calls: 1, rows: 1 }, 10);
    const ok = await verifyCell(baseUrl, { kind: 'db', path: '/db' }, named, { connectionCap: 10, appConnectionName: 'crossover-app-flask' });
    expect(ok.problems).toEqual([]);
    expect(named.connectionNames).toEqual(['crossover-app-flask']);
    served = 0;
    const unnamed = await verifyCell(baseUrl, { kind: 'db', path: '/db' }, fakeProbes({ calls: 1, rows: 1 }, 0), {
      connectionCap: 10,
      appConnectionName: 'crossover-app-flask',
    });
    expect(unnamed.problems.join('\n')).toContain("no database connection named 'crossover-app-flask' was seen in pg_stat_activity");
  });

  it('passes at the cap, and bursts only when it knows the cap', async () => {
    served = 0;
    const atCap = await verifyCell(baseUrl, { kind: 'db', path: '/db' }, fakeProbes({ calls: 1, rows: 1 }, 10), { connectionCap: 10 });
    expect(atCap.problems).toEqual([]);
    expect(atCap.checked).toContain('under 20 concurrent requests to /db for 1 s: at most 10 database connections, cap 10 (pg_stat_activity, 10 samples)');
    served = 0;
    const probes = fakeProbes({ calls: 1, rows: 1 }, 99);
    expect((await verifyCell(baseUrl, { kind: 'db', path: '/db' }, probes)).problems).toEqual([]);
    expect(probes.samplerIntervals).toEqual([]);
  });
});
