import { describe, expect, it } from 'vitest';
import { parsePgbenchOutput, parsePgbenchTps, pgbenchArgs, pgbenchProtocolArgs, pgbenchScript } from '../../harness/ceilings/pgbench.ts';

/** The summary pgbench 16 prints for a slow-db run (trimmed). */
const SLOW_DB_OUTPUT = `pgbench (16.4 (Debian 16.4-1.pgdg120+1))
transaction type: /tmp/crossover-pgbench-x/request.sql
scaling factor: 1
query mode: prepared
number of clients: 10
number of threads: 1
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 23545
number of failed transactions: 0 (0.000%)
latency average = 2.124 ms
initial connection time = 6.118 ms
tps = 4708.734183 (without initial connection time)
`;

describe('pgbench scripts', () => {
  it('issues the SQL of one app request per transaction', () => {
    expect(pgbenchScript({ kind: 'db' })).toBe('\\set id0 random(1, 10000)\nSELECT id, randomnumber FROM world WHERE id = :id0;\n');
    expect(pgbenchScript({ kind: 'queries', queries: 20 }).match(/SELECT/g)).toHaveLength(20);
    expect(pgbenchScript({ kind: 'slow-db', dbLatencyMs: 10 })).toContain('pg_sleep(0.01) WHERE w.id = :id');
    // fortunes: the apps' one statement, every row of fortune, once a request.
    expect(pgbenchScript({ kind: 'fortunes' })).toBe('SELECT id, message FROM fortune;\n');
  });

  it('reads each row of an updates request by a query of its own, then writes them in one transaction, ids ascending', () => {
    const script = pgbenchScript({ kind: 'updates', queries: 20 });
    expect(script.match(/^SELECT id, randomnumber FROM world WHERE id = :id\d+;$/gm)).toHaveLength(20);
    expect(script.match(/^UPDATE world SET randomnumber = :r\d+ WHERE id = :id\d+;$/gm)).toHaveLength(20);
    expect(script.indexOf('BEGIN;')).toBeGreaterThan(script.lastIndexOf('SELECT'));
    expect(script.trimEnd().endsWith('COMMIT;')).toBe(true);
    // One id per stride of 500: distinct, ascending, within 1..10000.
    expect(script).toContain('\\set id0 0 + random(1, 500)');
    expect(script).toContain('\\set id19 9500 + random(1, 500)');
    expect(pgbenchScript({ kind: 'updates', queries: 500 })).toContain('\\set id499 9980 + random(1, 20)');
  });

  it("sends an updates request's writes as the drivers do: one pipeline of UPDATEs over extended or prepared, one CASE statement over simple", () => {
    for (const protocol of ['prepared', 'extended'] as const) {
      const script = pgbenchScript({ kind: 'updates', queries: 20 }, protocol);
      const lines = script.trimEnd().split('\n');
      const begin = lines.indexOf('BEGIN;');
      expect(lines.slice(begin, begin + 2)).toEqual(['BEGIN;', '\\startpipeline']);
      expect(lines.slice(-2)).toEqual(['\\endpipeline', 'COMMIT;']);
      expect(lines.slice(begin + 2, -2).every((l) => /^UPDATE world SET randomnumber = :r\d+ WHERE id = :id\d+;$/.test(l))).toBe(true);
      expect(lines.slice(begin + 2, -2)).toHaveLength(20);
    }
    const simple = pgbenchScript({ kind: 'updates', queries: 3 }, 'simple');
    expect(simple).not.toContain('pipeline');
    expect(simple.trimEnd().split('\n').slice(-3)).toEqual([
      'BEGIN;',
      'UPDATE world SET randomnumber = CASE id WHEN :id0 THEN :r0 WHEN :id1 THEN :r1 WHEN :id2 THEN :r2 END WHERE id IN (:id0, :id1, :id2);',
      'COMMIT;',
    ]);
  });

  it('passes the statement protocol as -M', () => {
    expect(pgbenchProtocolArgs('prepared')).toEqual(['-M', 'prepared']);
    expect(pgbenchProtocolArgs('simple')).toEqual(['-M', 'simple']);
    expect(pgbenchProtocolArgs('extended')).toEqual(['-M', 'extended']);
  });
});

describe('pgbench output', () => {
  it('reads tps and the mean transaction latency', () => {
    expect(parsePgbenchOutput(SLOW_DB_OUTPUT)).toEqual({ tps: 4708.734183, latencyAverageMs: 2.124 });
    expect(parsePgbenchTps(SLOW_DB_OUTPUT)).toBeCloseTo(4708.73, 2);
  });

  it('keeps reading tps when no latency line is printed, and refuses output without tps', () => {
    expect(parsePgbenchOutput('tps = 17444.123456 (without initial connection time)\n')).toEqual({ tps: 17444.123456, latencyAverageMs: undefined });
    expect(parsePgbenchTps('latency average = 0.6 ms\ntps = 17444.123456 (without initial connection time)\n')).toBeCloseTo(17444.12, 2);
    expect(() => parsePgbenchTps('connection refused')).toThrow(/no tps line/);
  });
});

describe('pgbench arguments', () => {
  it('give -T in whole seconds, rounded up: pgbench refuses 0.5', () => {
    const at = (durationS: number) => {
      const args = pgbenchArgs({ url: 'postgres://x@127.0.0.1:1/d', protocol: 'simple', clients: 1, durationS, script: '/s.sql' });
      return args[args.indexOf('-T') + 1];
    };
    expect([at(0.5), at(1.5), at(2)]).toEqual(['1', '2', '2']);
  });
  it("give the database URL the harness's application_name, so a ceiling is never counted as an app's connections", () => {
    const args = pgbenchArgs({
      url: 'postgres://bench:pw@127.0.0.1:25432/fresh_db',
      protocol: 'simple',
      clients: 10,
      durationS: 2,
      script: '/tmp/x/request.sql',
    });
    expect(args).toEqual([
      '-n',
      '-M',
      'simple',
      '-c',
      '10',
      '-j',
      '1',
      '-T',
      '2',
      '-f',
      '/tmp/x/request.sql',
      'postgres://bench:pw@127.0.0.1:25432/fresh_db?application_name=crossover-bench-ceiling',
    ]);
  });
});
