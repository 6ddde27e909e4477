import type { Cell, Results } from '../../harness/results/schema.ts';
import { makeAppRecord, makeCell, makeDbCeiling, makeResults } from './factories.ts';

/** Requested slow-db latencies of the RTT sweep; effective = max(requested, 0.3) (the query's own time at 0). */
export const RTT_SWEEP_MS = [0, 1, 2, 3, 5, 10];
/** What the 0.5 ms path measured before the cells (results.network.paths[].addedMs). */
export const MEASURED_RTT_MS = 0.55;
const CAP = 10;
const OWN_RPS: Record<string, number> = { fastapi: 4000, flask: 1600 };

const eff = (ms: number) => Math.max(ms, 0.3);

/**
 * A closed-loop model of one slow-db cell: the app serves min(X, 97% of the Little's-law
 * bound C / (L + RTT)); its CPU is busy in proportion to its own share.
 */
function slowCell(framework: string, ms: number, rttMs: number, dbRttMs: number | undefined): Cell {
  const own = OWN_RPS[framework]!;
  const bound = CAP / ((eff(ms) + rttMs) / 1000);
  const rps = Math.min(own, 0.97 * bound);
  const cell = makeCell({ framework, scenario: 'slow-db', dbLatencyMs: ms, rps: [rps], appCpu: 0.95 * (rps / own), dbCpu: 0.2, loadgenCpu: 0.1 });
  return dbRttMs ? { ...cell, id: `${cell.id}/rtt${dbRttMs}`, dbRttMs } : cell;
}

/**
 * A run of FastAPI (4,000 req/s on /db) and Flask (1,600) over the slow-db sweep on the
 * direct path and through a 0.5 ms round trip (measured 0.55), with database ceilings per
 * round trip whose pgbench latency includes the round trip, as a real one does.
 */
export function rttSweepResults(o: { network?: boolean } = {}): Results {
  const frameworks = Object.keys(OWN_RPS);
  const cells: Cell[] = [
    ...frameworks.map((f) => makeCell({ framework: f, scenario: 'db', rps: [OWN_RPS[f]!], appCpu: 0.97, dbCpu: 0.3, loadgenCpu: 0.1 })),
    ...frameworks.flatMap((f) => RTT_SWEEP_MS.map((ms) => slowCell(f, ms, 0, undefined))),
    ...frameworks.map((f) => ({
      ...makeCell({ framework: f, scenario: 'db', rps: [OWN_RPS[f]! * 0.98], appCpu: 0.97 }),
      id: `${f}/db/c64/rtt0.5`,
      dbRttMs: 0.5,
    })),
    ...frameworks.flatMap((f) => RTT_SWEEP_MS.map((ms) => slowCell(f, ms, MEASURED_RTT_MS, 0.5))),
  ];
  const base = makeResults(cells);
  const ceiling = (ms: number, rttMs: number, dbRttMs?: number) => ({
    ...makeDbCeiling({ scenario: 'slow-db', dbLatencyMs: ms, rps: CAP / ((eff(ms) + rttMs) / 1000), protocol: 'prepared', latencyMeanMs: eff(ms) + rttMs }),
    ...(dbRttMs ? { dbRttMs } : {}),
  });
  return {
    ...base,
    config: { ...base.config, frameworks, scenarios: ['db', 'slow-db'], dbRttMs: [0, 0.5] },
    apps: {
      fastapi: makeAppRecord('FastAPI', { dataAccess: { kind: 'raw', driver: 'asyncpg', protocol: 'prepared', serializer: 'pydantic-core' } }),
      flask: makeAppRecord('Flask', {
        server: 'gunicorn-gthread',
        model: 'sync',
        dataAccess: { kind: 'raw', driver: 'psycopg', protocol: 'prepared', serializer: 'json (stdlib)' },
      }),
    },
    ceilings: [
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.5, note: 'trivial server' },
      ...RTT_SWEEP_MS.map((ms) => ceiling(ms, 0)),
      ...RTT_SWEEP_MS.map((ms) => ceiling(ms, MEASURED_RTT_MS, 0.5)),
    ],
    ...(o.network === false
      ? {}
      : {
          network: {
            method: 'proxy' as const,
            reason: 'test',
            direct: { medianMs: 0.05, p99Ms: 0.2, samples: 200 },
            paths: [
              {
                requestedRttMs: 0.5,
                measured: { medianMs: 0.6, p99Ms: 0.9, samples: 200 },
                addedMs: MEASURED_RTT_MS,
                calibrationMs: 0.4,
                names: ['crossover-proxy-test'],
              },
            ],
          },
        }),
  };
}
