import type { AppDefinition } from '../../harness/apps/manifest.ts';
import type { RunConfig } from '../../harness/config/options.ts';
import type { Cell, Measurement, Results } from '../../harness/results/schema.ts';
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
          resources: { intervalMs: 250, app: usage(o.appCpu), database: usage(o.dbCpu), loadgen: usage(o.loadgenCpu) },
          rawFile: 'raw/x.json',
        })),
  };
}

export function makeResults(cells: Cell[], o: Partial<Results> = {}): Results {
  const settings = { workers: 1, threads: 10, poolSize: 10, connectionCap: 10, concurrencyLimit: 10 };
  const app = (displayName: string, server: string, model: 'sync' | 'async') => ({
    displayName,
    server,
    model,
    settings,
    command: [],
    pythonVersion: '3.13.0',
    keyPackages: {},
    packages: {},
    prepareS: 0,
    cached: true,
  });
  return {
    schemaVersion: 1,
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
    concurrencyLimit: 'pool',
    packages: [name],
    dataAccess: { kind: 'raw', driver: 'asyncpg', protocol: 'prepared', serializer: 'json' },
    dir: `/nowhere/${name}`,
    requirementsPath: `/nowhere/${name}/requirements.txt`,
    ...o,
  };
}
