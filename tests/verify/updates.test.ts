import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldTotalsByVerb } from '../../harness/verify/update-probes.ts';
import {
  allowedCoincidences,
  changedRows,
  readBackProblems,
  statementProblems,
  statementVerb,
  type UpdateProbes,
  updatesRequests,
  type WorldStatementsByVerb,
} from '../../harness/verify/updates.ts';
import { verifyCell } from '../../harness/verify/verify.ts';

const world = (entries: [number, number][]) => new Map(entries);

describe('readBackProblems', () => {
  const before = world([
    [1, 10],
    [2, 20],
    [3, 30],
  ]);

  it('passes rows stored as returned and changed', () => {
    const after = world([
      [1, 11],
      [2, 21],
      [3, 30],
    ]);
    expect(
      readBackProblems(
        [
          { id: 1, randomNumber: 11 },
          { id: 2, randomNumber: 21 },
        ],
        before,
        after,
      ),
    ).toEqual([]);
  });

  it('fails returned values the database does not hold (not written, not committed)', () => {
    const problems = readBackProblems(
      [
        { id: 1, randomNumber: 11 },
        { id: 2, randomNumber: 99 },
      ],
      before,
      world([
        [1, 11],
        [2, 20],
        [3, 30],
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^1 of 2 returned rows do not hold the returned value when read back on another connection \(id 2: returned 99, stored 20\)/);
  });

  it('holds a repeated id to the last value returned for it', () => {
    const after = world([
      [1, 12],
      [2, 20],
      [3, 30],
    ]);
    const rows = [
      { id: 1, randomNumber: 11 },
      { id: 1, randomNumber: 12 },
    ];
    expect(readBackProblems(rows, before, after)).toEqual([]);
    expect(readBackProblems([...rows].reverse(), before, after)[0]).toMatch(/id 1: returned 11, stored 12/);
  });

  it('fails old values written back or returned unchanged, beyond chance coincidences', () => {
    const n = 300;
    const old = new Map(Array.from({ length: n }, (_, i) => [i + 1, 5000] as [number, number]));
    const rows = Array.from({ length: n }, (_, i) => ({ id: i + 1, randomNumber: 5000 }));
    expect(readBackProblems(rows, old, old)).toEqual([`${n} of ${n} returned rows kept their old randomNumber; each must get a new random value`]);
    // As many coincidences as allowed pass.
    const allowed = allowedCoincidences(n);
    expect(allowed).toBe(4);
    const someNew = rows.map((r, i) => (i < n - allowed ? { ...r, randomNumber: 6000 } : r));
    const stored = new Map(someNew.map((r) => [r.id, r.randomNumber] as [number, number]));
    expect(readBackProblems(someNew, old, stored)).toEqual([]);
  });
});

describe('statementVerb and worldTotalsByVerb', () => {
  it('tells reads from writes by the first keyword', () => {
    expect(statementVerb('SELECT id, randomnumber FROM world WHERE id = $1')).toBe('select');
    expect(statementVerb('  update "world" SET "randomnumber" = CASE WHEN ("world"."id" = $1) THEN $2 END')).toBe('update');
    expect(statementVerb('/* c */ UPDATE world SET randomnumber = $1 WHERE id = $2')).toBe('update');
    expect(statementVerb('WITH w AS (SELECT 1) SELECT * FROM world')).toBe('select');
    expect(statementVerb('BEGIN')).toBeUndefined();
    expect(statementVerb('INSERT INTO world VALUES ($1, $2)')).toBeUndefined();
  });

  it('sums reads and writes on world apart, leaving out what is not the app', () => {
    const stats = [
      { query: 'SELECT id, randomnumber FROM world WHERE id = $1', calls: 20, rows: 20 },
      // executemany: one call per row; a bulk statement: one call for all.
      { query: 'UPDATE world SET randomnumber = $2 WHERE id = $1', calls: 20, rows: 20 },
      { query: 'UPDATE "world" SET "randomnumber" = CASE WHEN ("world"."id" = $1) THEN $2 END WHERE "world"."id" IN ($3)', calls: 1, rows: 20 },
      { query: 'SELECT /* probe */ id, randomnumber FROM world', calls: 4, rows: 40_000 },
      { query: 'UPDATE hello_world SET n = 1', calls: 3, rows: 3 },
    ];
    const isApp = (q: string) => /\bworld\b|"world"/.test(q) && !q.includes('probe');
    expect(worldTotalsByVerb(stats, isApp)).toEqual({ select: { calls: 20, rows: 20 }, update: { calls: 21, rows: 40 } });
  });
});

describe('statementProblems', () => {
  const zero: WorldStatementsByVerb = { select: { calls: 0, rows: 0 }, update: { calls: 0, rows: 0 } };

  it('counts reads and writes separately: one bulk UPDATE per request passes', () => {
    expect(statementProblems(zero, { select: { calls: 523, rows: 523 }, update: { calls: 5, rows: 523 } }, 523, 523)).toEqual([]);
  });

  it('fails rows served without a read of their own, and rows returned but not written', () => {
    expect(statementProblems(zero, { select: { calls: 5, rows: 523 }, update: { calls: 523, rows: 523 } }, 523, 523)).toEqual([
      '523 rows were served but the database ran only 5 SELECTs on world; each row must be read by a query of its own',
    ]);
    expect(statementProblems(zero, { select: { calls: 523, rows: 523 }, update: { calls: 5, rows: 5 } }, 523, 523)).toEqual([
      '523 distinct rows were returned with a new value but the UPDATEs on world (5 calls) changed only 5 rows',
    ]);
  });
});

describe('changedRows', () => {
  it('counts the distinct returned rows whose value differs from the one stored before the request', () => {
    const before = new Map([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    // id 2 drew its old value again: an ORM's unit of work writes no UPDATE for it.
    const rows = [
      { id: 1, randomNumber: 11 },
      { id: 2, randomNumber: 20 },
      { id: 3, randomNumber: 31 },
      { id: 3, randomNumber: 32 },
    ];
    expect(changedRows(rows, before)).toBe(2);
    expect(changedRows(rows)).toBe(3);
  });
});

describe('updatesRequests', () => {
  it('asks for the cell and the clamp cases of queries', () => {
    expect(updatesRequests('/updates?queries=20', 20)).toEqual([
      { path: '/updates?queries=20', expected: 20 },
      { path: '/updates', expected: 1 },
      { path: '/updates?queries=0', expected: 1 },
      { path: '/updates?queries=foo', expected: 1 },
      { path: '/updates?queries=501', expected: 500 },
    ]);
  });
});

// An /updates on a local port over an in-memory world: honest, or one that forgets to write.
const store = new Map(Array.from({ length: 10_000 }, (_, i) => [i + 1, 1] as [number, number]));
let writes = 0;
let selects = 0;
let write = true;
// SQLAlchemy's unit of work: a row that drew its old value again is not written.
let coincide = false;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const raw = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('queries'));
    const n = Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 500) : 1;
    const rows = Array.from({ length: n }, (_, i) => ({ id: i * 20 + 1, randomNumber: 2 + ((store.get(i * 20 + 1)! + 7) % 9000) }));
    if (coincide) rows[0]!.randomNumber = store.get(rows[0]!.id)!;
    selects += n;
    if (write) for (const r of rows) store.set(r.id, r.randomNumber);
    if (write) writes += coincide ? n - 1 : n;
    const body = JSON.stringify(rows);
    res.writeHead(200, { Server: 'test', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const probes: UpdateProbes = {
  worldValues: async () => new Map(store),
  statements: async () => ({ select: { calls: selects, rows: selects }, update: { calls: writes, rows: writes } }),
};
const cell = { kind: 'updates' as const, path: '/updates?queries=20', queries: 20 };

describe('verifyCell on an updates cell', () => {
  it('passes an endpoint whose writes read back, and counts reads and writes', async () => {
    write = true;
    const result = await verifyCell(baseUrl, cell, { sleeping: async () => false, updates: probes });
    expect(result.problems).toEqual([]);
    expect(result.checked).toContain('/updates?queries=501');
    expect(result.checked.join('\n')).toContain('523 rows from at least 523 SELECTs on world, 523 distinct rows changed by UPDATEs on world');
  });

  it('passes an endpoint that leaves a row out of the UPDATE when it drew its old value again, and counts it out', async () => {
    write = true;
    coincide = true;
    try {
      const result = await verifyCell(baseUrl, cell, { sleeping: async () => false, updates: probes });
      expect(result.problems).toEqual([]);
      // One coincidence per request, five requests: 518 of the 523 rows changed, and 518 written.
      expect(result.checked.join('\n')).toContain('518 distinct rows changed by UPDATEs on world (pg_stat_statements: 518 UPDATE calls, 518 rows');
    } finally {
      coincide = false;
    }
  });

  it('fails an endpoint that returns new values without writing them, at its first request', async () => {
    write = false;
    const result = await verifyCell(baseUrl, cell, { sleeping: async () => false, updates: probes });
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^GET \/updates\?queries=20: 20 of 20 returned rows do not hold the returned value/);
  });

  it('checks only the responses without database probes', async () => {
    write = false;
    const result = await verifyCell(baseUrl, cell);
    expect(result.problems).toEqual([]);
    expect(result.checked).toEqual(['/updates?queries=20', '/updates', '/updates?queries=0', '/updates?queries=foo', '/updates?queries=501']);
  });
});
