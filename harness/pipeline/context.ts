import type { AppDefinition } from '../apps/manifest.ts';
import type { DatabaseCeilingProbe, LoadgenCeilingProbe } from '../ceilings/ceilings.ts';
import type { RunConfig } from '../config/options.ts';
import type { CpuLayout } from '../cpu/layout.ts';
import type { ActivitySampler } from '../db/activity.ts';
import type { Database, DatabaseExit } from '../db/types.ts';
import type { OpenLoopCeilingProbe } from '../load/open-loop-ceiling.ts';
import type { LoadGenerator } from '../load/types.ts';
import type { CellPlan } from '../plan.ts';
import type { NeighbourWatch } from '../resources/neighbours.ts';
import type { CpuTimes } from '../resources/steal.ts';
import type { CommitLatency } from '../results/commit-latency-schema.ts';
import type { Recorder } from '../results/recorder.ts';
import type { Results, SpeedReading } from '../results/schema.ts';
import type { PreparedApp, RunningApp, Runtime } from '../runtime/types.ts';
import type { Scenario } from '../scenarios/scenario.ts';
import type { VerificationResult } from '../verify/verify.ts';
import type { WarningCode } from '../warnings.ts';
import type { RunPlan } from './run-plan.ts';
import type { WindowLength } from './window-length.ts';

/** Checks one cell's endpoint before it is measured (verify/verify.ts verifyCell, or a fake). */
export type Verifier = (baseUrl: string, plan: CellPlan) => Promise<VerificationResult>;
/** Resolves once a started app answers (runtime/ready.ts waitUntilReady, or a fake). */
export type ReadyCheck = (app: RunningApp) => Promise<void>;

/** What provisioning put in place for one run: every effect the pipeline drives. */
export interface Rig {
  layout: CpuLayout;
  pinned: boolean;
  runtime: Runtime;
  database: Database;
  loadGenerator: LoadGenerator;
  /** Open-loop cells (docs/open-loop.md): the generator at a fixed offered rate; absent when the run has none. */
  openLoop?: LoadGenerator | undefined;
  /** --cross-check: the second load generator (wrk). */
  crossCheck?: LoadGenerator | undefined;
  /** `openLoop`: the open-loop generator's own ceiling, measured once when the run has open-loop cells. */
  ceilings: {
    loadgen: LoadgenCeilingProbe;
    database: DatabaseCeilingProbe;
    openLoop?: OpenLoopCeilingProbe | undefined;
    /** The database's commit latency (ceilings/commit-latency.ts), measured when the run has updates cells; absent without pgbench. */
    commitLatency?: ((url: string) => Promise<CommitLatency>) | undefined;
  };
  verify: Verifier;
  ready: ReadyCheck;
  findPort: () => Promise<number>;
  /** The results document with its header (machine, runtime, database) filled, no cells. */
  results: Results;
  /** Found while provisioning (shared cores, no pgbench); recorded once the document exists. */
  warnings: { code: WarningCode; detail?: string }[];
  /** Once every app is prepared, before the first measurement (pins the harness off the app's CPUs). */
  onPrepared?: (() => Promise<void>) | undefined;
  /**
   * --db-rtt: the database URL the apps and probes use at a round trip (db/rtt-path.ts). Absent
   * when the run adds none; then every cell uses `database.url`.
   */
  databaseFor?: ((rttMs: number) => string) | undefined;
  /**
   * Counts the app's database connections (those named `appConnectionName`) over a load run, and
   * what they wait on over the measured window (pg_stat_activity, db/activity.ts); absent: not counted.
   */
  sampleConnections?: ((databaseUrl: string, appConnectionName: string) => ActivitySampler) | undefined;
  /** Processes carrying the --db-rtt delay (the proxy), sampled as `proxy` beside app and database. */
  networkPids?: number[] | undefined;
  /**
   * Starts tallying what other processes and the hypervisor take while `app` is measured
   * (resources/neighbours.ts); absent: nothing is tallied (tests on fakes).
   */
  watchNeighbours?: ((app: RunningApp) => NeighbourWatch) | undefined;
}

/** The database URL for a cell's round trip: the direct one without --db-rtt. */
export function databaseUrlFor(rig: Pick<Rig, 'database' | 'databaseFor'>, rttMs: number | undefined): string {
  if (!rttMs) return rig.database.url;
  if (!rig.databaseFor) throw new Error(`a cell asks for --db-rtt ${rttMs}, but the rig has no database path for it`);
  return rig.databaseFor(rttMs);
}

/** Everything the pipeline reaches outside itself: run.ts wires the real ones, tests the fakes. */
export interface PipelineDeps {
  config: RunConfig;
  apps: Map<string, AppDefinition>;
  scenarios: Scenario[];
  recorder: Recorder;
  /** Starts (or reaches) the database and builds the rig; cleans up after itself when it fails. */
  provision: () => Promise<Rig>;
  /** Writes the report files from the final results. */
  report: (results: Results) => Promise<void>;
  /** Ctrl-C (cleanup.ts wasInterrupted), or a test's switch. */
  interrupted: () => boolean;
  now: () => Date;
  /**
   * How long a failed start or measurement waits for the database's health watch before
   * blaming the app: a dying database takes its apps down first, and the watch polls every
   * second (db/health.ts). Tests set 0.
   */
  blameGraceMs?: number | undefined;
  /** The machine's CPU time and hypervisor steal so far (resources/steal.ts); undefined where unknown. */
  cpuTimes?: (() => Promise<CpuTimes | undefined>) | undefined;
  /** Times fixed work on this machine (resources/speed.ts), before the first cell and after the last; tests fake it. */
  speed?: (() => Promise<SpeedReading>) | undefined;
  /**
   * Takes the machine-wide measuring lock (util/measuring-lock.ts), waiting while another run
   * measures; resolves with its release and the seconds waited. Absent: no lock (tests on fakes).
   */
  measuringLock?: (() => Promise<{ release: () => void; waitedS: number }>) | undefined;
  /** Other processes before the first load, once the lock is held (resources/quiet.ts): a BUSY_MACHINE detail, or undefined when quiet. */
  busyMachine?: ((rig: Rig) => Promise<string | undefined>) | undefined;
}

/** A pipeline stage's view of the run. */
export interface RunContext extends Rig {
  config: RunConfig;
  apps: Map<string, AppDefinition>;
  scenarios: Scenario[];
  recorder: Recorder;
  interrupted: () => boolean;
  now: () => Date;
  blameGraceMs: number;
  plan: RunPlan;
  /** Per framework: its prepared environment, or why preparing failed. */
  prepared: Map<string, PreparedApp | Error>;
  /** Set when the database was found dead; the run stops measuring. */
  health: { databaseExit?: DatabaseExit | undefined };
  /** Aborts when the database dies: every load run and ceiling listens. */
  databaseSignal: AbortSignal;
  /** Measurements started so far (for index/total in events). */
  counter: { measured: number };
  /** Cells whose window was too short for one request per connection: the longer timing every later window of the cell takes (window-length.ts). */
  lengthened: Map<string, WindowLength>;
  /** Per framework: the p99 (ms) of its last closed-loop window, which sets how long to wait for it to go quiet (quiet.ts). */
  lastWindowP99: Map<string, number>;
}

/** True once nothing more should be measured: Ctrl-C, or the database is dead. */
export function stopping(ctx: Pick<RunContext, 'interrupted' | 'health'>): boolean {
  return ctx.interrupted() || ctx.health.databaseExit !== undefined;
}
