import type { AppDefinition } from '../../harness/apps/manifest.ts';
import type { RunConfig } from '../../harness/config/options.ts';
import type { OpenLoopRaw } from '../../harness/load/open-loop-raw.ts';
import type { DataAccess } from '../../harness/results/analysis-schema.ts';
import type { Neighbours } from '../../harness/results/neighbours-schema.ts';
import { type AppRecord, type Ceiling, type Cell, type Measurement, RESULTS_SCHEMA_VERSION, type Results } from '../../harness/results/schema.ts';
import type { Scenario } from '../../harness/scenarios/scenario.ts';

export function makeMeasurement(o: Partial<Measurement> = {}): Measurement {
  return {
    rps: 1000,
    autocannonRequestsAverage: 1000,
    durationS: 5,
    requests2xx: 5000,
    latencyMeanMs: 10,
    latencyP50Ms: 9,
    latencyP90Ms: 15,
    latencyP99Ms: 30,
    latencyMaxMs: 50,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    resets: 0,
    throughputBytesPerS: 100_000,
    ...o,
  };
}

/** A measured cell; `rps` gives one repeat per value, CPU figures go to every repeat. */
export function makeCell(o: {
  framework: string;
  scenario: string;
  kind?: Cell['kind'];
  rps: number[];
  dbLatencyMs?: number;
  appCpu?: number;
  dbCpu?: number;
  loadgenCpu?: number;
  failed?: string;
  /** What other processes took during each repeat (resources.neighbours), by repeat index. */
  neighbours?: (Neighbours | undefined)[];
}): Cell {
  const kind = o.kind ?? (o.scenario as Cell['kind']);
  const usage = (cpu: number | undefined) =>
    cpu === undefined ? undefined : { cpuMeanUtil: cpu, cpuPeakUtil: cpu, cores: 1, memMeanBytes: 1e8, memPeakBytes: 1e8, samples: 20 };
  return {
    id: `${o.framework}/${o.scenario}/c64${o.dbLatencyMs === undefined ? '' : `/${o.dbLatencyMs}ms`}`,
    framework: o.framework,
    scenario: o.scenario,
    kind,
    connections: 64,
    dbLatencyMs: o.dbLatencyMs,
    path: `/${o.scenario}`,
    status: o.failed ? 'failed' : 'ok',
    failure: o.failed ? { stage: 'verify', reason: o.failed, logLines: [] } : undefined,
    repeats: o.failed
      ? []
      : o.rps.map((rps, repeat) => ({
          repeat,
          startedAt: '2026-11-21T00:00:00.000Z',
          measurement: makeMeasurement({ rps }),
          resources: {
            intervalMs: 250,
            app: usage(o.appCpu),
            database: usage(o.dbCpu),
            loadgen: usage(o.loadgenCpu),
            ...(o.neighbours?.[repeat] ? { neighbours: o.neighbours[repeat] } : {}),
          },
          rawFile: 'raw/x.json',
        })),
  };
}

/** An app record with the default worker rule (1 worker, cap 10). */
export function makeAppRecord(
  displayName: string,
  o: { server?: string; model?: 'sync' | 'async'; concurrencyLimit?: number; dataAccess?: DataAccess } = {},
): AppRecord {
  return {
    displayName,
    server: o.server ?? 'uvicorn',
    model: o.model ?? 'async',
    settings: { workers: 1, threads: 10, poolSize: 10, connectionCap: 10, concurrencyLimit: o.concurrencyLimit ?? 10 },
    command: [],
    pythonVersion: '3.13.0',
    keyPackages: {},
    packages: {},
    prepareS: 0,
    cached: true,
    ...(o.dataAccess ? { dataAccess: o.dataAccess } : {}),
  };
}

/** A database ceiling at c64 (`protocol` left absent, as in version 1 files, unless given). */
export function makeDbCeiling(o: { scenario: string; rps: number; dbLatencyMs?: number; protocol?: Ceiling['protocol']; latencyMeanMs?: number }): Ceiling {
  return {
    kind: 'database',
    scenario: o.scenario,
    connections: 64,
    rps: o.rps,
    note: 'pgbench',
    ...(o.dbLatencyMs === undefined ? {} : { dbLatencyMs: o.dbLatencyMs }),
    ...(o.protocol ? { protocol: o.protocol } : {}),
    ...(o.latencyMeanMs === undefined ? {} : { latencyMeanMs: o.latencyMeanMs }),
  };
}

export function makeResults(cells: Cell[], o: Partial<Results> = {}): Results {
  const app = (displayName: string, server: string, model: 'sync' | 'async') => makeAppRecord(displayName, { server, model });
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'crossover-bench', version: '0.1.0' },
    runId: 'test-run',
    status: 'complete',
    startedAt: '2026-11-21T00:00:00.000Z',
    config: {
      frameworks: ['fastapi', 'flask'],
      scenarios: ['json', 'db', 'slow-db'],
      runtime: 'local',
      db: 'embedded',
      profile: 'standard',
      durationS: 10,
      warmupS: 3,
      connections: [64],
      repeat: 3,
      connectionCap: 10,
      out: 'results/test',
      baseImage: 'python:3.13-slim',
      dbImage: 'postgres:18',
      interleave: true,
      crossCheck: false,
    },
    machine: { cpuModel: 'Test CPU', cores: 2, kernel: 'Linux 6.1', memoryBytes: 2 ** 34, platform: 'linux-x64', node: 'v20.20.2' },
    cpuLayout: { totalCores: 2, appCpus: [1], dbCpus: [0], loadgenCpus: [0], shared: true, note: 'shared', pinned: true },
    runtime: { kind: 'local', reason: '--runtime local' },
    database: { kind: 'embedded', url: 'postgres://bench:***@127.0.0.1:20000/hello_world', version: 'PostgreSQL 18.4 on x86_64', seeded: true },
    apps: { fastapi: app('FastAPI', 'uvicorn', 'async'), flask: app('Flask', 'gunicorn-gthread', 'sync') },
    ceilings: [
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.98, note: 'trivial server' },
      { kind: 'database', scenario: 'db', connections: 64, rps: 12_000, note: 'node-postgres' },
    ],
    warnings: [],
    cells,
    ...o,
  };
}

/** Effective latency pgbench measured for each requested one (pg_sleep's ~2.1 ms floor at 1 and 2 ms). */
export const EFFECTIVE: Record<number, number> = { 0: 0.4, 1: 2.1, 2: 2.2, 5: 5.2, 10: 10.3, 20: 20.3 };

/**
 * A sweep of two apps: FastAPI (raw asyncpg, prepared, 5,000 req/s on /db) and Django
 * (ORM, simple protocol, 1,500 req/s on /db), with the pool binding from C / X on.
 */
export function sweepResults(o: { withLatency?: boolean; frameworks?: string[] } = {}): Results {
  const withLatency = o.withLatency ?? true;
  const slow = (framework: string, ownRps: number) =>
    Object.entries(EFFECTIVE).map(([ms, eff]) => {
      const bound = 10 / (eff / 1000);
      const rps = Math.min(ownRps, bound) * 0.97;
      return makeCell({
        framework,
        scenario: 'slow-db',
        dbLatencyMs: Number(ms),
        rps: [rps * 0.99, rps, rps * 1.01],
        appCpu: rps / ownRps,
        dbCpu: 0.2,
        loadgenCpu: 0.1,
      });
    });
  const cells = [
    makeCell({ framework: 'fastapi', scenario: 'db', rps: [5000], appCpu: 0.98, dbCpu: 0.4, loadgenCpu: 0.2 }),
    makeCell({ framework: 'django', scenario: 'db', rps: [1500], appCpu: 0.99, dbCpu: 0.2, loadgenCpu: 0.1 }),
    makeCell({ framework: 'fastapi', scenario: 'queries', rps: [900], appCpu: 0.92, dbCpu: 0.6, loadgenCpu: 0.1 }),
    makeCell({ framework: 'django', scenario: 'queries', rps: [400], appCpu: 0.97, dbCpu: 0.4, loadgenCpu: 0.1 }),
    ...slow('fastapi', 5000),
    ...slow('django', 1500),
  ].filter((c) => !o.frameworks || o.frameworks.includes(c.framework));
  const base = makeResults(cells);
  return {
    ...base,
    config: { ...base.config, frameworks: o.frameworks ?? ['django', 'fastapi'], scenarios: ['db', 'queries', 'slow-db'] },
    apps: {
      django: makeAppRecord('Django', {
        server: 'gunicorn-gthread',
        model: 'sync',
        dataAccess: { kind: 'orm', driver: 'psycopg', protocol: 'simple', serializer: 'json (stdlib)' },
      }),
      fastapi: makeAppRecord('FastAPI', { dataAccess: { kind: 'raw', driver: 'asyncpg', protocol: 'prepared', serializer: 'pydantic-core' } }),
    },
    ceilings: [
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.98, note: 'trivial server' },
      makeDbCeiling({ scenario: 'db', rps: 12_000, protocol: 'prepared' }),
      makeDbCeiling({ scenario: 'db', rps: 9_000, protocol: 'simple' }),
      makeDbCeiling({ scenario: 'queries', rps: 1_000, protocol: 'prepared' }),
      ...Object.entries(EFFECTIVE).map(([ms, eff]) =>
        makeDbCeiling({
          scenario: 'slow-db',
          dbLatencyMs: Number(ms),
          rps: 10 / (eff / 1000),
          protocol: 'prepared',
          ...(withLatency ? { latencyMeanMs: eff } : {}),
        }),
      ),
    ],
  };
}

/** The four scenarios as scenarios/*.json define them. */
export function makeScenarios(): Scenario[] {
  return [
    { name: 'json', description: 'json', kind: 'json', path: '/json' },
    { name: 'db', description: 'db', kind: 'db', path: '/db' },
    { name: 'queries', description: 'queries', kind: 'queries', path: '/queries?queries={queries}', queries: 20 },
    { name: 'slow-db', description: 'slow-db', kind: 'slow-db', path: '/slow-db?ms={dbLatencyMs}', dbLatencyMs: 10 },
  ];
}

/** A resolved run configuration: two frameworks, json and db, one repeat, no warm-up. */
export function makeConfig(o: Partial<RunConfig> = {}): RunConfig {
  return {
    frameworks: ['flask', 'fastapi'],
    scenarios: ['json', 'db'],
    runtime: 'local',
    db: 'embedded',
    profile: 'quick',
    durationS: 5,
    warmupS: 2,
    connections: [64],
    repeat: 1,
    connectionCap: 10,
    out: 'results/test',
    interleave: true,
    crossCheck: false,
    ...o,
  };
}

/** An app definition for the worker rule and the fakes; nothing on disk. */
export function makeApp(name: string, o: Partial<AppDefinition> = {}): AppDefinition {
  return {
    name,
    displayName: name,
    server: 'uvicorn',
    model: 'async',
    command: ['serve', '--port', '{port}', '--workers', '{workers}'],
    env: {},
    requiresPython: '3.12',
    concurrencyLimit: 'pool',
    packages: [name],
    dataAccess: { kind: 'raw', driver: 'asyncpg', protocol: 'prepared', serializer: 'json' },
    dir: `/nowhere/${name}`,
    requirementsPath: `/nowhere/${name}/requirements.txt`,
    ...o,
  };
}

/**
 * An open-loop slow-db cell (docs/open-loop.md) offered `offeredRps`, one repeat per p99 given.
 * `unsustained` makes every repeat 5% late; `failed` gives no repeats.
 */
export function makeOpenLoopCell(o: {
  framework: string;
  dbLatencyMs: number;
  p99Ms: number[];
  offeredRps?: number;
  rateSpec?: string;
  unsustained?: boolean;
  /** 3% of requests sent late by the generator itself (a connection was free), up to 12 ms. */
  generatorLate?: boolean;
  failed?: string;
}): Cell {
  const offeredRps = o.offeredRps ?? 200;
  const rateSpec = o.rateSpec ?? '50%';
  const scheduled = offeredRps * 10;
  return {
    id: `${o.framework}/slow-db/c64/${o.dbLatencyMs}ms/${rateSpec.endsWith('%') ? `at${rateSpec}` : `open${rateSpec}`}`,
    framework: o.framework,
    scenario: 'slow-db',
    kind: 'slow-db',
    connections: 64,
    dbLatencyMs: o.dbLatencyMs,
    rateSpec,
    arrival: 'poisson',
    offeredRps,
    path: `/slow-db?ms=${o.dbLatencyMs}`,
    status: o.failed ? 'failed' : 'ok',
    failure: o.failed ? { stage: 'measure', reason: o.failed, logLines: [] } : undefined,
    repeats: o.failed
      ? []
      : o.p99Ms.map((p99, repeat) => ({
          repeat,
          startedAt: '2026-11-21T00:00:00.000Z',
          measurement: makeMeasurement({
            rps: offeredRps,
            durationS: 10,
            requests2xx: scheduled,
            latencyP50Ms: p99 / 2,
            latencyP99Ms: p99,
            latencyP999Ms: p99 * 1.5,
            generator: 'open-loop',
            arrival: 'poisson',
            offeredRps,
            achievedRps: offeredRps,
            scheduled,
            late: o.unsustained ? scheduled / 20 : 0,
            lateToleranceMs: 2,
            lateGenerator: o.generatorLate ? (scheduled * 3) / 100 : 0,
            generatorLagMaxMs: o.generatorLate ? 12 : 0.4,
          }),
          rawFile: 'raw/x.json',
        })),
  };
}

/** The open-loop child's raw output: 300 req/s Poisson for 10 s, a few late, errors and timeouts. */
export function makeOpenLoopRaw(o: Partial<OpenLoopRaw> = {}): OpenLoopRaw {
  return {
    generator: 'open-loop',
    job: {
      url: 'http://127.0.0.1:1/json',
      connections: 64,
      rateRps: 300,
      arrival: 'poisson',
      seed: 277,
      warmupS: 1,
      durationS: 10,
      timeoutS: 10,
      lateToleranceMs: 2,
    },
    elapsedS: 11.01,
    scheduled: 3000,
    sent: 3000,
    late: 3,
    lateGenerator: 5,
    generatorLagMaxMs: 3.5,
    responses: 2995,
    responses2xx: 2990,
    non2xx: 5,
    errors: 1,
    timeouts: 4,
    windowResponses: 2980,
    windowResponses2xx: 2975,
    windowBytes: 298_000,
    latencySumMs: 2995 * 4.2,
    latencyMinMs: 2.1,
    latencyMaxMs: 48.25,
    fromSendSumMs: 2995 * 4.1,
    sendLagSumMs: 30,
    sendLagMaxMs: 3.5,
    warmupScheduled: 300,
    warmupErrors: 0,
    latencyMeanMs: 4.2,
    fromSendMeanMs: 4.1,
    sendLagMeanMs: 0.01,
    percentilesUs: { p50: 3100, p90: 7200, p99: 21_500, p999: 40_100 },
    fromSendPercentilesUs: { p50: 3000, p90: 7000, p99: 21_000, p999: 40_000 },
    histogram: 'HISTFAAAA',
    fromSendHistogram: 'HISTFAAAA',
    ...o,
  };
}
