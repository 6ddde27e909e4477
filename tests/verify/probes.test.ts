import { describe, expect, it } from 'vitest';
import { type StatementStat, tagProbe, worldTotals } from '../../harness/verify/probes.ts';

/** pg_stat_statements of the benchmark database after seeding, a few app requests and the probes (PostgreSQL 18.4, texts as stored). */
const RECORDED: StatementStat[] = [
  { query: 'CREATE TABLE IF NOT EXISTS world (id integer PRIMARY KEY, randomnumber integer NOT NULL)', calls: 1, rows: 0 },
  { query: 'INSERT INTO world (id, randomnumber) SELECT g, $1 + floor(random() * $2)::int FROM generate_series($3, $4) AS g', calls: 1, rows: 10_000 },
  { query: 'SELECT "world"."id", "world"."randomnumber" FROM "world" WHERE "world"."id" = $1 LIMIT $2', calls: 16, rows: 16 },
  { query: 'SELECT id, randomnumber FROM world WHERE id = $1', calls: 20, rows: 20 },
  { query: 'SELECT w.id, w.randomnumber FROM world w, pg_sleep($1) WHERE w.id = $2', calls: 2, rows: 2 },
  { query: 'SELECT id, randomnumber FROM world WHERE id = $1 LIMIT $2', calls: 4, rows: 0 },
  // The harness's own: the pg_sleep probe as a server that keeps literals would store it, a tagged probe, the count itself.
  { query: "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%pg_sleep%' AND query ILIKE '%world%'", calls: 7, rows: 7 },
  { query: 'SELECT /* crossover-bench probe */ 1 FROM world LIMIT 1', calls: 3, rows: 3 },
  { query: 'SELECT query, calls, rows FROM pg_stat_statements WHERE query ~* $1', calls: 5, rows: 40 },
  // Not the world table.
  { query: 'SELECT count(*) FROM hello_world_log', calls: 9, rows: 9 },
  { query: 'SELECT world_id FROM visits', calls: 9, rows: 9 },
  { query: 'SELECT version() AS v', calls: 2, rows: 2 },
];

describe('worldTotals', () => {
  it("sums the app's statements on world and leaves out the harness's probes and other tables", () => {
    // Seeding counts (1 + 1 calls, 10,000 rows); verification only ever compares two readings.
    expect(worldTotals(RECORDED)).toEqual({ calls: 1 + 1 + 16 + 20 + 2 + 4, rows: 10_000 + 16 + 20 + 2 });
  });

  it('finds world quoted, schema-qualified or bare', () => {
    for (const query of ['SELECT 1 FROM "world"', 'SELECT 1 FROM public.world', 'SELECT 1 FROM public."world" w', 'select * from WORLD']) {
      expect(worldTotals([{ query, calls: 1, rows: 1 }]), query).toEqual({ calls: 1, rows: 1 });
    }
  });
});

describe('tagProbe', () => {
  it('puts the tag after the first keyword, where pg_stat_statements keeps it', () => {
    expect(tagProbe('SELECT count(*) FROM pg_stat_activity')).toBe('SELECT /* crossover-bench probe */ count(*) FROM pg_stat_activity');
    expect(worldTotals([{ query: tagProbe('SELECT 1 FROM world'), calls: 1, rows: 1 }])).toEqual({ calls: 0, rows: 0 });
  });
});
