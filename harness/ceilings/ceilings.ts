import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CpuLayout } from '../cpu/layout.ts';
import { BenchError } from '../errors.ts';
import { abortable, killOnAbort } from '../load/abort.ts';
import type { LoadGenerator } from '../load/types.ts';
import { processTreeReader } from '../resources/proc.ts';
import type { StatementProtocol } from '../results/analysis-schema.ts';
import type { Ceiling } from '../results/schema.ts';
import { runNodeChild, startNodeServer } from '../util/node-child.ts';
import { type DbWork, runPgbench, runPgbenchOutput } from './pgbench.ts';

const TRIVIAL_SERVER = fileURLToPath(new URL('./trivial-server-child.ts', import.meta.url));
const DB_CHILD = fileURLToPath(new URL('./db-ceiling-child.ts', import.meta.url));

/** One ceiling measurement behind a seam: the load generator's, or the database's (pgbench, node-postgres), or a fake. */
export interface CeilingProbe<Job> {
  /** `autocannon`, `pgbench`, `node-postgres`, ...: what measured it. */
  readonly name: string;
  /** Rejects with the abort reason when `signal` fires (the database died, or Ctrl-C). */
  measure(job: Job, signal?: AbortSignal): Promise<Ceiling>;
}

export interface LoadgenCeilingJob {
  connections: number;
  /** Requests in flight per connection, as the cells this ceiling bounds send them; undefined: 1. */
  pipelining?: number | undefined;
}

/** The database work of one cell shape, with the apps' connection cap. */
export interface DbCeilingJob extends DbWork {
  url: string;
  connectionCap: number;
  connections: number;
  scenario: string;
  /** The statement protocol pgbench speaks (`-M`): each app's ceiling is the one of its own protocol (docs/fairness.md). */
  protocol?: StatementProtocol | undefined;
  /** The timing of the cells this ceiling is for, when it differs from the setup's (latency-bound slow-db cells run shorter). */
  warmupS?: number | undefined;
  durationS?: number | undefined;
}

export type LoadgenCeilingProbe = CeilingProbe<LoadgenCeilingJob>;
export type DatabaseCeilingProbe = CeilingProbe<DbCeilingJob>;

/** Where and how long ceilings are measured: the same CPUs and timing as the cells. */
export interface CeilingSetup {
  layout: CpuLayout;
  pin: boolean;
  warmupS: number;
  durationS: number;
}

/**
 * The load generator's ceiling: the load generator, on its own CPUs, against a server that
 * does almost nothing, on the app's CPUs. An app cell near this number measured the load generator.
 */
export function loadgenCeilingProbe(generator: LoadGenerator, setup: CeilingSetup): LoadgenCeilingProbe {
  const { layout, pin, warmupS, durationS } = setup;
  return {
    name: generator.name,
    async measure({ connections, pipelining }, signal) {
      const server = await startNodeServer({
        script: TRIVIAL_SERVER,
        args: ['0'],
        cpus: layout.appCpus,
        pin,
        timeoutS: warmupS + durationS + 60,
        what: 'trivial server',
      });
      try {
        const job = { url: `http://127.0.0.1:${server.port}/json`, connections, pipelining, warmupS, durationS, cpus: layout.loadgenCpus };
        const { measurement, usage } = await generator.run(job, [{ name: 'app', cores: layout.appCpus.length, read: processTreeReader(server.pid) }], signal);
        const serverCpu = usage.app?.cpuMeanUtil;
        return {
          kind: 'loadgen',
          connections,
          ...(pipelining !== undefined && pipelining > 1 ? { pipelining } : {}),
          rps: measurement.rps,
          cpuMeanUtil: usage.loadgen?.cpuMeanUtil,
          note:
            `${generator.name} against a canned-response server on CPU ${layout.appCpus.join(',')}` +
            (serverCpu !== undefined
              ? ` (server CPU ${(serverCpu * 100).toFixed(0)}%${serverCpu >= 0.9 ? ': the server, not the load generator, limited this; the real ceiling is higher' : ''})`
              : ''),
        };
      } finally {
        await server.stop();
      }
    },
  };
}

const base = (job: DbCeilingJob) => ({ kind: 'database' as const, scenario: job.scenario, connections: job.connections, dbLatencyMs: job.dbLatencyMs });

/**
 * The database ceiling with pgbench (C, libpq, the apps' statement protocol): the same SQL, with the
 * apps' connection cap, from the app's CPUs (the seat an app's driver would take). Preferred:
 * node-postgres spends more CPU per query than asyncpg or psycopg, so on one core it measured
 * itself rather than the database.
 */
export function pgbenchCeilingProbe(binary: string, setup: CeilingSetup): DatabaseCeilingProbe {
  const { layout, pin } = setup;
  return {
    name: 'pgbench',
    measure: (job, signal) =>
      abortable(signal, async () => {
        const warmupS = job.warmupS ?? setup.warmupS;
        const durationS = job.durationS ?? setup.durationS;
        // Every in-flight request holds one of the cap's connections, so the database never sees more than the cap.
        const clients = Math.min(job.connectionCap, job.connections);
        // pgbench cannot be handed a signal; a dead database makes it fail within its connection timeout anyway.
        const protocol = job.protocol ?? 'prepared';
        if (warmupS > 0) await runPgbench(binary, job.url, job, clients, warmupS, layout.appCpus, pin, protocol);
        signal?.throwIfAborted();
        // pgbench's mean transaction latency is the request's own SQL as the database served it: the effective latency of a slow-db setting.
        const out = await runPgbenchOutput(binary, job.url, job, clients, durationS, layout.appCpus, pin, protocol);
        return {
          ...base(job),
          rps: out.tps,
          protocol,
          ...(out.latencyAverageMs === undefined ? {} : { latencyMeanMs: out.latencyAverageMs }),
          note: `pgbench -M ${protocol}, ${clients} connections, on CPU ${layout.appCpus.join(',')}`,
        };
      }),
  };
}

const DbChildOutput = z.object({ requests: z.number(), elapsedS: z.number(), rps: z.number() });

/** The database ceiling with node-postgres in a child process: the stand-in when pgbench is missing (a NO_PGBENCH warning). */
export function nodePostgresCeilingProbe(setup: CeilingSetup): DatabaseCeilingProbe {
  const { layout, pin } = setup;
  return {
    name: 'node-postgres',
    measure: (job, signal) =>
      abortable(signal, async () => {
        const warmupS = job.warmupS ?? setup.warmupS;
        const durationS = job.durationS ?? setup.durationS;
        const payload = {
          url: job.url,
          connectionCap: job.connectionCap,
          concurrency: job.connections,
          warmupS,
          durationS,
          kind: job.kind,
          queries: job.queries ?? 1,
          dbLatencyMs: job.dbLatencyMs ?? 0,
          param: job.param ?? 1,
        };
        const killer = killOnAbort(signal);
        let stdout: string;
        try {
          stdout = await runNodeChild({
            script: DB_CHILD,
            args: [JSON.stringify(payload)],
            cpus: layout.appCpus,
            pin,
            timeoutS: warmupS + durationS + 60,
            what: `database ceiling for ${job.scenario}`,
            onPid: killer.onPid,
          });
        } finally {
          killer.done();
        }
        const parsed = DbChildOutput.safeParse(JSON.parse(stdout));
        if (!parsed.success) throw new BenchError('LOADGEN', `database ceiling child printed an unexpected result: ${stdout.slice(0, 120)}`);
        return {
          ...base(job),
          rps: parsed.data.rps,
          // node-postgres sends every query as an unnamed extended-protocol statement, whatever the app's protocol.
          protocol: 'extended' as const,
          note: `node-postgres, ${job.connectionCap} connections, ${job.connections} concurrent clients, on CPU ${layout.appCpus.join(',')}`,
        };
      }),
  };
}
