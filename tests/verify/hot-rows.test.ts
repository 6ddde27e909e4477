import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstProblems, hotRowsRequests, parseHotRow, singleIncrementProblems } from '../../harness/verify/hot-rows.ts';
import type { SweptProbes } from '../../harness/verify/swept-probes.ts';
import { verifyCell } from '../../harness/verify/verify.ts';

const counters = (entries: [number, number][]) => new Map(entries);

describe('hot-rows, pure parts', () => {
  it("asks for the cell's k, the burst's three rows and the clamp cases", () => {
    expect(hotRowsRequests('/hot-rows?k=100')).toEqual([
      { path: '/hot-rows?k=100', k: 100 },
      { path: '/hot-rows?k=3', k: 3 },
      { path: '/hot-rows', k: 1 },
      { path: '/hot-rows?k=0', k: 1 },
      { path: '/hot-rows?k=foo', k: 1 },
      { path: '/hot-rows?k=1001', k: 1000 },
    ]);
  });

  it('reads exactly {id, counter}, the id within 1..k', () => {
    expect(parseHotRow('{"id": 3, "counter": 12}', 3)).toEqual({ row: { id: 3, counter: 12 }, problems: [] });
    expect(parseHotRow('{"id": 4, "counter": 12}', 3).problems).toEqual(['id is 4, expected an integer in 1..3']);
    expect(parseHotRow('{"id": 1, "counter": "12", "k": 3}', 3).problems).toEqual([
      'body has unexpected keys k',
      'counter is "12", expected a positive integer',
    ]);
    expect(parseHotRow('nope', 3).problems[0]).toMatch(/^body is not JSON/);
  });

  it('wants one request to raise its row by exactly 1, to the counter returned, and nothing else', () => {
    const before = counters([
      [1, 5],
      [2, 7],
    ]);
    const later = (one: number, two: number) =>
      counters([
        [1, one],
        [2, two],
      ]);
    expect(singleIncrementProblems({ id: 2, counter: 8 }, before, later(5, 8))).toEqual([]);
    expect(singleIncrementProblems({ id: 2, counter: 8 }, before, later(5, 7))).toEqual([
      "hotrow 2's counter went from 7 to 7, expected a rise of exactly 1, committed before the answer",
    ]);
    expect(singleIncrementProblems({ id: 2, counter: 8 }, before, later(5, 9))[0]).toMatch(/went from 7 to 9/);
    expect(singleIncrementProblems({ id: 2, counter: 99 }, before, later(5, 8))).toEqual(['returned counter 99 for hotrow 2, but it holds 8']);
    expect(singleIncrementProblems({ id: 2, counter: 8 }, before, later(6, 8))).toEqual([
      'the counters of hotrow rose by 2 in all for one request, expected 1',
    ]);
  });

  it('wants the burst to raise the counters by exactly the successful answers, with no failure and no counter returned twice', () => {
    const rows = [
      { id: 1, counter: 1 },
      { id: 2, counter: 1 },
      { id: 1, counter: 2 },
    ];
    expect(burstProblems(rows, 3, 0, undefined, 3, 3, 'burst')).toEqual([]);
    expect(burstProblems(rows, 3, 0, undefined, 2, 2, 'burst')).toEqual(['burst: 3 successful answers but the counters rose by only 2; increments were lost']);
    expect(burstProblems(rows, 3, 0, undefined, 4, 4, 'burst')).toEqual(['burst: 3 successful answers but the counters rose by 4; increments were doubled']);
    expect(burstProblems(rows, 3, 2, 'status 500', 3, 3, 'burst')[0]).toMatch(/^burst: 2 requests failed \(first: status 500\); a deadlock/);
    expect(burstProblems([...rows, { id: 1, counter: 2 }], 4, 0, undefined, 4, 4, 'burst')).toEqual([
      'burst: 1 answers returned a counter already returned for the same row (e.g. hotrow 1 at 2); each increment must see the one before',
    ]);
    expect(burstProblems(rows, 3, 0, undefined, 3, 5, 'burst')).toEqual(['burst: rows outside the hot ones changed (2 in all)']);
  });
});

// A /hot-rows on a local port over in-memory counters: atomic, or a read-modify-write that yields between the two.
const store = new Map(Array.from({ length: 1000 }, (_, i) => [i + 1, 0] as [number, number]));
let lossy = false;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const raw = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('k'));
    const k = Number.isInteger(raw) ? Math.min(1000, Math.max(1, raw)) : 1;
    const id = 1 + Math.floor(Math.random() * k);
    const read = store.get(id)!;
    if (lossy) await new Promise((r) => setTimeout(r, 2));
    store.set(id, read + 1);
    const body = JSON.stringify({ id, counter: read + 1 });
    res.writeHead(200, { Server: 'test', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const probes: SweptProbes = {
  generateSeriesReferenceMs: async () => undefined,
  generateSeriesRunning: async () => false,
  worldValues: async () => new Map(),
  hotrowCounters: async () => new Map(store),
};
const cell = { kind: 'hot-rows' as const, path: '/hot-rows?k=10' };

describe('verifyCell on a hot-rows cell', () => {
  it('passes atomic increments, one at a time and under the burst', async () => {
    lossy = false;
    const result = await verifyCell(baseUrl, cell, { sleeping: async () => false, swept: probes });
    expect(result.problems).toEqual([]);
    expect(result.checked).toContain('6 hot-rows answers, one at a time: an id within the clamped k, its counter one more than before and stored as returned');
    expect(result.checked.join('\n')).toMatch(
      /^under 16 concurrent requests to \/hot-rows\?k=3 for 1 s: (\d+) successful answers, the counters of hotrow 1..3 rose by \1 /m,
    );
  });

  it('bursts once per start of the app: a second hot-rows cell checks its single requests only', async () => {
    lossy = false;
    const passedOnce = new Set<string>();
    const first = await verifyCell(baseUrl, cell, { sleeping: async () => false, swept: probes }, { passedOnce });
    expect(first.problems).toEqual([]);
    expect(passedOnce).toEqual(new Set([`${baseUrl} hot-rows burst`]));
    const second = await verifyCell(baseUrl, { ...cell, path: '/hot-rows?k=1' }, { sleeping: async () => false, swept: probes }, { passedOnce });
    expect(second.problems).toEqual([]);
    expect(second.checked.join('\n')).not.toMatch(/concurrent requests/);
    expect(second.checked).toContain('hot-rows increments under a concurrent burst: checked earlier on this start of the app');
  });

  it('fails increments lost under the burst, though each alone is right', async () => {
    lossy = true;
    const result = await verifyCell(baseUrl, cell, { sleeping: async () => false, swept: probes }, { connectionCap: 4 });
    expect(result.problems[0]).toMatch(
      /^under 8 concurrent requests to \/hot-rows\?k=3 for 1 s: \d+ successful answers but the counters rose by only \d+; increments were lost$/,
    );
    expect(result.problems[1]).toMatch(/answers returned a counter already returned for the same row/);
  });
});
