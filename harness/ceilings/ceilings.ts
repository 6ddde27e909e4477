import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CpuLayout } from '../cpu/layout.ts';
import { BenchError } from '../errors.ts';
import { runSampledAutocannon } from '../load/sampled.ts';
import { normalizeAutocannon } from '../load/normalize.ts';
import { processTreeReader } from '../resources/proc.ts';
import type { Ceiling } from '../results/schema.ts';
import { runNodeChild, startNodeServer } from '../util/node-child.ts';
import { runPgbench } from './pgbench.ts';

const TRIVIAL_SERVER = fileURLToPath(new URL('./trivial-server-child.ts', import.meta.url));
const DB_CHILD = fileURLToPath(new URL('./db-ceiling-child.ts', import.meta.url));

export interface CeilingTiming {
  warmupS: number;
  durationS: number;
}

/**
 * The load generator's ceiling: autocannon, on its own CPUs, against a server that does
 * almost nothing, on the app's CPUs. An app cell near this number measured autocannon.
 */
export async function measureLoadgenCeiling(layout: CpuLayout, pin: boolean, connections: number, timing: CeilingTiming): Promise<Ceiling> {
  const server = await startNodeServer({ script: TRIVIAL_SERVER, args: ['0'], cpus: layout.appCpus, pin, timeoutS: timing.warmupS + timing.durationS + 60, what: 'trivial server' });
  try {
    const { output, usage } = await runSampledAutocannon(
      { url: `http://127.0.0.1:${server.port}/json`, connections, warmupS: timing.warmupS, durationS: timing.durationS, cpus: layout.loadgenCpus },
      pin,
      [{ name: 'app', cores: layout.appCpus.length, read: processTreeReader(server.pid) }],
    );
    const m = normalizeAutocannon(output.result, output.latencyMeanExactMs);
    const serverCpu = usage.app?.cpuMeanUtil;
    return {
      kind: 'loadgen',
      connections,
      rps: m.rps,
      cpuMeanUtil: usage.loadgen?.cpuMeanUtil,
      note:
        `autocannon against a canned-response server on CPU ${layout.appCpus.join(',')}` +
        (serverCpu !== undefined ? ` (server CPU ${(serverCpu * 100).toFixed(0)}%${serverCpu >= 0.9 ? ': the server, not autocannon, limited this; the real ceiling is higher' : ''})` : ''),
    };
  } finally {
    await server.stop();
  }
}

const DbChildOutput = z.object({ requests: z.number(), elapsedS: z.number(), rps: z.number() });

export interface DbCeilingJob {
  url: string;
  connectionCap: number;
  connections: number;
  kind: 'db' | 'queries' | 'slow-db';
  queries?: number | undefined;
  dbLatencyMs?: number | undefined;
  scenario: string;
}

/**
 * The database ceiling for one scenario: the same SQL, with the apps' connection cap, from
 * the app's CPUs (the seat an app's database driver would take), for the same duration.
 * pgbench (C, prepared statements) is preferred: node-postgres spends more CPU per query
 * than asyncpg or psycopg, so on one core it measured itself rather than the database.
 */
export async function measureDbCeiling(job: DbCeilingJob, layout: CpuLayout, pin: boolean, timing: CeilingTiming, pgbench?: string): Promise<Ceiling> {
  const base = { kind: 'database' as const, scenario: job.scenario, connections: job.connections, dbLatencyMs: job.dbLatencyMs };
  if (pgbench) {
    // Every in-flight request holds one of the cap's connections, so the database never sees more than the cap.
    const clients = Math.min(job.connectionCap, job.connections);
    if (timing.warmupS > 0) await runPgbench(pgbench, job.url, job, clients, timing.warmupS, layout.appCpus, pin);
    const rps = await runPgbench(pgbench, job.url, job, clients, timing.durationS, layout.appCpus, pin);
    return { ...base, rps, note: `pgbench -M prepared, ${clients} connections, on CPU ${layout.appCpus.join(',')}` };
  }
  const payload = {
    url: job.url,
    connectionCap: job.connectionCap,
    concurrency: job.connections,
    warmupS: timing.warmupS,
    durationS: timing.durationS,
    kind: job.kind,
    queries: job.queries ?? 1,
    dbLatencyMs: job.dbLatencyMs ?? 0,
  };
  const stdout = await runNodeChild({
    script: DB_CHILD,
    args: [JSON.stringify(payload)],
    cpus: layout.appCpus,
    pin,
    timeoutS: timing.warmupS + timing.durationS + 60,
    what: `database ceiling for ${job.scenario}`,
  });
  const parsed = DbChildOutput.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new BenchError('LOADGEN', `database ceiling child printed an unexpected result: ${stdout.slice(0, 120)}`);
  return {
    ...base,
    rps: parsed.data.rps,
    note: `node-postgres, ${job.connectionCap} connections, ${job.connections} concurrent clients, on CPU ${layout.appCpus.join(',')}`,
  };
}
