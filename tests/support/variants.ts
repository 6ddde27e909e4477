import type { Cell, Results } from '../../harness/results/schema.ts';
import { seededRng } from '../../harness/util/random.ts';
import { EFFECTIVE, makeAppRecord, makeCell, makeDbCeiling, makeResults } from './factories.ts';

/** Requested slow-db latencies of the synthetic sweep. */
export const SWEEP_MS = [0, 5, 10, 20] as const;

/** What each app serves on its own (req/s), before the pool bound of a slow-db setting. */
export const OWN: Record<string, { json: number; db: number; queries: number }> = {
  fastapi: { json: 9000, db: 2000, queries: 600 },
  // The ORM: the same JSON, 0.65 of the base wherever the database is touched.
  'fastapi-sqlalchemy': { json: 9000, db: 1300, queries: 390 },
  flask: { json: 3000, db: 1500, queries: 400 },
  // The server: no difference anywhere.
  'flask-granian': { json: 3000, db: 1500, queries: 400 },
};

/** The pool bound at a slow-db setting: 10 connections / effective latency. */
export const poolBound = (ms: number) => 10 / (EFFECTIVE[ms]! / 1000);

/** The true requests/s of an app in a column (before noise). */
export function truth(framework: string, scenario: 'json' | 'db' | 'queries' | 'slow-db', ms?: number): number {
  const own = OWN[framework]!;
  return scenario === 'slow-db' ? Math.min(own.db, poolBound(ms!)) : own[scenario];
}

/**
 * A run of two base apps and one variant of each, every column measured in `rounds` rounds:
 * the machine moves every app by up to +-10% from round to round, each window has +-1% of its
 * own. FastAPI converges at 5 ms (its 2,000 req/s reach the 1,923 req/s pool bound),
 * FastAPI + SQLAlchemy (1,300) and both Flask apps (1,500) only at 10 ms.
 */
export function variantRun(o: { rounds: number; frameworks?: string[]; interleave?: boolean; seed?: number }): Results {
  const rng = seededRng(o.seed ?? 7);
  const frameworks = o.frameworks ?? Object.keys(OWN);
  const columns: { scenario: 'json' | 'db' | 'queries' | 'slow-db'; ms?: number }[] = [
    { scenario: 'json' },
    { scenario: 'db' },
    { scenario: 'queries' },
    ...SWEEP_MS.map((ms) => ({ scenario: 'slow-db' as const, ms })),
  ];
  const cells: Cell[] = [];
  for (const col of columns) {
    const machine = Array.from({ length: o.rounds }, () => 0.9 + 0.2 * rng());
    for (const framework of frameworks) {
      const rps = machine.map((m) => truth(framework, col.scenario, col.ms) * m * (0.99 + 0.02 * rng()));
      cells.push(
        makeCell({
          framework,
          scenario: col.scenario,
          ...(col.ms === undefined ? {} : { dbLatencyMs: col.ms }),
          rps,
          appCpu: 0.95,
          dbCpu: 0.3,
          loadgenCpu: 0.2,
        }),
      );
    }
  }
  const base = makeResults(cells);
  const raw = (driver: string) => ({ kind: 'raw' as const, driver, protocol: 'prepared' as const, serializer: 'json (stdlib)' });
  const apps: Results['apps'] = {
    fastapi: makeAppRecord('FastAPI', { dataAccess: raw('asyncpg') }),
    'fastapi-sqlalchemy': {
      ...makeAppRecord('FastAPI + SQLAlchemy', { dataAccess: { ...raw('SQLAlchemy 2 async ORM on asyncpg'), kind: 'orm' } }),
      variantOf: 'fastapi',
    },
    flask: makeAppRecord('Flask', { server: 'gunicorn-gthread', model: 'sync', dataAccess: raw('psycopg 3') }),
    'flask-granian': { ...makeAppRecord('Flask on Granian', { server: 'granian', model: 'sync', dataAccess: raw('psycopg 3') }), variantOf: 'flask' },
  };
  return {
    ...base,
    config: { ...base.config, frameworks, scenarios: ['json', 'db', 'queries', 'slow-db'], repeat: o.rounds, interleave: o.interleave ?? true },
    apps: Object.fromEntries(frameworks.map((f) => [f, apps[f]!])),
    ceilings: [
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.98, note: 'trivial server' },
      makeDbCeiling({ scenario: 'db', rps: 12_000, protocol: 'prepared' }),
      makeDbCeiling({ scenario: 'queries', rps: 1_000, protocol: 'prepared' }),
      ...SWEEP_MS.map((ms) => makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: ms, rps: poolBound(ms), protocol: 'prepared', latencyMeanMs: EFFECTIVE[ms]! })),
    ],
  };
}
