import { describe, expect, it } from 'vitest';
import { parsePgbenchTps, pgbenchScript } from '../../harness/ceilings/pgbench.ts';

describe('pgbench scripts', () => {
  it('issues the SQL of one app request per transaction', () => {
    expect(pgbenchScript({ kind: 'db' })).toBe('\\set id0 random(1, 10000)\nSELECT id, randomnumber FROM world WHERE id = :id0;\n');
    expect(pgbenchScript({ kind: 'queries', queries: 20 }).match(/SELECT/g)).toHaveLength(20);
    expect(pgbenchScript({ kind: 'slow-db', dbLatencyMs: 10 })).toContain('pg_sleep(0.01) WHERE w.id = :id');
  });

  it('reads the tps line', () => {
    expect(parsePgbenchTps('latency average = 0.6 ms\ntps = 17444.123456 (without initial connection time)\n')).toBeCloseTo(17444.12, 2);
    expect(() => parsePgbenchTps('connection refused')).toThrow(/no tps line/);
  });
});
