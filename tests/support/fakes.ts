/**
 * Fakes for every effect the pipeline drives (runtime, apps, database, load generators,
 * ceiling probes, verification, results storage). Nothing starts a process or opens a
 * socket; every call is appended to one trace, so tests can assert the order of events as
 * hyperfine's execution_order_tests do with its MockExecutor.
 */
import type { AppDefinition } from '../../harness/apps/manifest.ts';
import type { DatabaseCeilingProbe, LoadgenCeilingProbe } from '../../harness/ceilings/ceilings.ts';
import type { RunConfig } from '../../harness/config/options.ts';
import type { Database, DatabaseExit } from '../../harness/db/types.ts';
import type { RunEvent } from '../../harness/events.ts';
import type { OpenLoopCeilingProbe } from '../../harness/load/open-loop-ceiling.ts';
import type { LoadGenerator, LoadJob } from '../../harness/load/types.ts';
import type { PipelineDeps, Rig } from '../../harness/pipeline/context.ts';
import { runPipeline } from '../../harness/pipeline/pipeline.ts';
import { planRun } from '../../harness/pipeline/run-plan.ts';
import type { CellPlan } from '../../harness/plan.ts';
import type { Neighbours } from '../../harness/results/neighbours-schema.ts';
import { Recorder } from '../../harness/results/recorder.ts';
import type { Measurement, Results } from '../../harness/results/schema.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import type { ResultsStorage } from '../../harness/results/store.ts';
import type { RunningApp, Runtime } from '../../harness/runtime/types.ts';
import type { Scenario } from '../../harness/scenarios/scenario.ts';
import { makeApp, makeConfig, makeMeasurement, makeResults, makeScenarios } from './factories.ts';

/** Results storage in memory: every save is a validated deep copy, as on disk. */
export class MemoryStorage implements ResultsStorage {
  readonly saves: Results[] = [];
  readonly raws = new Map<string, unknown>();

  async save(results: Results): Promise<void> {
    this.saves.push(ResultsSchema.parse(structuredClone(results)));
  }

  async saveRaw(name: string, raw: unknown): Promise<string> {
    this.raws.set(name, raw);
    return `raw/${name}`;
  }

  /** What a reader of results.json would see now. */
  get last(): Results | undefined {
    return this.saves.at(-1);
  }
}

/** What a fake step may do: throw to fail it, or change the world (Ctrl-C, kill the database or an app). */
export type StepHook = (step: string, world: FakeWorld) => void;

export interface FakeOptions {
  config?: Partial<RunConfig>;
  scenarios?: Scenario[];
  /** Called before every traced step. */
  hook?: StepHook;
  /** The measurement a load run returns, by cell id, the how-manieth run of that cell (0-based) and the job as sent. */
  measurement?: (cellId: string, run: number, job: LoadJob) => Partial<Measurement>;
  /** What other processes took during the nth watched window of the run (0-based); undefined: no watch. */
  neighbours?: (window: number) => Neighbours | undefined;
  /** Cells whose verification fails. */
  failVerify?: string[];
  /** Frameworks whose prepare, or start (ready check), fails. */
  failPrepare?: string[];
  /** Awaited inside every prepare before it ends (a build that takes time); the world counts prepares in flight meanwhile. */
  prepareGate?: (framework: string, log: (line: string) => void) => Promise<void>;
  failStart?: string[];
  /** Load runs that never end by themselves (only an abort or Ctrl-C ends them): cell ids, or a test by id and run. */
  hang?: string[] | ((cellId: string, run: number) => boolean);
  /** The run's clock; a fixed instant unless given (a test of the side-by-side budget advances it per load run). */
  now?: () => Date;
}

/** The fake world of one run: its trace, events, storage, and switches a test can pull. */
export class FakeWorld {
  readonly trace: string[] = [];
  readonly events: RunEvent[] = [];
  readonly storage = new MemoryStorage();
  /** Repeats on disk when each load run of a cell started. */
  readonly repeatsOnDiskAtMeasure: number[] = [];
  interrupted = false;
  readonly runs = new Map<string, number>();
  readonly apps = new Map<string, FakeApp>();
  /** The database round trip (--db-rtt) each started app's port was given; undefined: the direct path. */
  readonly rttByPort = new Map<number, number | undefined>();
  /** Prepares under way now, and the most there ever were at once. */
  preparing = 0;
  maxPreparing = 0;
  /** What the cleanup registry does on Ctrl-C: kills every child, so running load runs reject. */
  readonly children = new AbortController();
  #killDatabase!: (exit: DatabaseExit) => void;
  readonly databaseExited = new Promise<DatabaseExit>((resolve) => (this.#killDatabase = resolve));

  constructor(readonly options: FakeOptions) {}

  step(line: string): void {
    this.trace.push(line);
    this.options.hook?.(line, this);
  }

  /** Ctrl-C: the flag cleanup.ts's wasInterrupted would return. */
  interrupt(): void {
    this.interrupted = true;
    this.children.abort(new Error('autocannon exited with SIGKILL'));
  }

  killDatabase(reason = 'the postmaster (pid 4242) is gone'): void {
    this.#killDatabase({ reason, logLines: ['FATAL: terminating connection due to administrator command'] });
  }

  /** The running app of `framework` exits by itself (a crash). */
  killApp(framework: string): void {
    this.apps.get(framework)?.die({ code: null, signal: 'SIGKILL' });
  }
}

class FakeApp implements RunningApp {
  readonly resourceTarget = { kind: 'process-tree' as const, rootPid: 999_999 };
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  die!: (exit: { code: number | null; signal: string | null }) => void;

  constructor(
    readonly framework: string,
    readonly baseUrl: string,
    private readonly world: FakeWorld,
  ) {
    this.exited = new Promise((resolve) => (this.die = resolve));
  }

  async lastLogLines(): Promise<string[]> {
    return [`${this.framework}: last words`];
  }

  async stop(): Promise<void> {
    this.world.step(`stop ${this.framework}`);
  }
}

function fakeRuntime(world: FakeWorld): Runtime {
  return {
    kind: 'local',
    async prepare(app, log) {
      world.step(`prepare ${app.name}`);
      world.preparing += 1;
      world.maxPreparing = Math.max(world.maxPreparing, world.preparing);
      try {
        await world.options.prepareGate?.(app.name, log);
        if (world.options.failPrepare?.includes(app.name)) throw new Error(`pip install failed for ${app.name}`);
      } finally {
        world.preparing -= 1;
      }
      return { app, pythonVersion: '3.13.0', packages: { [app.name]: '1.0' }, prepareS: 0, cached: true };
    },
    async start(spec) {
      const name = spec.prepared.app.name;
      world.step(`start ${name}`);
      world.rttByPort.set(spec.port, Number(new URL(spec.databaseUrl).searchParams.get('rtt')) || undefined);
      const app = new FakeApp(name, `http://fake-${name}:${spec.port}`, world);
      world.apps.set(name, app);
      return app;
    },
    async close() {
      world.step('close runtime');
    },
  };
}

function fakeDatabase(world: FakeWorld): Database {
  return {
    kind: 'embedded',
    url: 'postgres://bench:secret@127.0.0.1:20000/hello_world',
    version: 'PostgreSQL 18 (fake)',
    exited: world.databaseExited,
    async stop() {
      world.step('stop database');
    },
  };
}

/** A load generator answering at once (or, for `hang` cells, only when aborted). */
function fakeLoadGenerator(world: FakeWorld, name: string, cellIdOf: (url: string, connections: number) => string): LoadGenerator {
  return {
    name,
    async run(job, _targets, signal) {
      const id = cellIdOf(job.url, job.connections);
      const run = world.runs.get(`${name} ${id}`) ?? 0;
      world.runs.set(`${name} ${id}`, run + 1);
      world.repeatsOnDiskAtMeasure.push(world.storage.last?.cells.reduce((n, c) => n + c.repeats.length, 0) ?? 0);
      world.step(`${name} ${id}`);
      signal?.throwIfAborted();
      const hang = world.options.hang;
      if (typeof hang === 'function' ? hang(id, run) : hang?.includes(id)) {
        const any = AbortSignal.any([world.children.signal, ...(signal ? [signal] : [])]);
        await new Promise((_resolve, reject) => {
          if (any.aborted) reject(any.reason);
          any.addEventListener('abort', () => reject(any.reason), { once: true });
        });
      }
      signal?.throwIfAborted();
      const measurement = makeMeasurement(world.options.measurement?.(id, run, job));
      return { measurement, usage: {}, raw: { fake: true, id, run } };
    },
  };
}

/**
 * An open-loop generator answering at once: it traces `open-loop <cell id> at <rate>` (the
 * rate it was given, so a test sees how a % rate resolved) and returns a sustained
 * measurement at that rate unless `measurement` says otherwise.
 */
function fakeOpenLoopGenerator(world: FakeWorld, cellOf: (url: string, rateRps: number | undefined) => string): LoadGenerator {
  return {
    name: 'open-loop',
    async run(job, _targets, signal) {
      const id = cellOf(job.url, job.rateRps);
      const run = world.runs.get(`open-loop ${id}`) ?? 0;
      world.runs.set(`open-loop ${id}`, run + 1);
      world.step(`open-loop ${id} at ${job.rateRps}`);
      signal?.throwIfAborted();
      const rate = job.rateRps ?? 0;
      const scheduled = Math.round(rate * job.durationS);
      const measurement = makeMeasurement({
        rps: rate,
        requests2xx: scheduled,
        generator: 'open-loop',
        arrival: job.arrival,
        offeredRps: rate,
        achievedRps: rate,
        scheduled,
        late: 0,
        lateToleranceMs: 2,
        latencyP999Ms: 45,
        ...world.options.measurement?.(id, run, job),
      });
      return { measurement, usage: {}, raw: { fake: true, id, run, rateRps: job.rateRps } };
    },
  };
}

function fakeCeilings(world: FakeWorld, openLoop: boolean): { loadgen: LoadgenCeilingProbe; database: DatabaseCeilingProbe; openLoop?: OpenLoopCeilingProbe } {
  return {
    openLoop: !openLoop
      ? undefined
      : {
          name: 'fake-open-loop',
          async measure({ connections, arrival }) {
            world.step(`ceiling open-loop c${connections} ${arrival}`);
            return { kind: 'loadgen', generator: 'open-loop', connections, rps: 8_000, note: 'fake' };
          },
        },
    loadgen: {
      name: 'fake-loadgen',
      async measure({ connections }) {
        world.step(`ceiling loadgen c${connections}`);
        return { kind: 'loadgen', connections, rps: 40_000, note: 'fake' };
      },
    },
    database: {
      name: 'fake-pgbench',
      async measure(job, signal) {
        world.step(`ceiling database ${job.scenario}/c${job.connections}${job.dbLatencyMs === undefined ? '' : `/${job.dbLatencyMs}ms`}`);
        signal?.throwIfAborted();
        return { kind: 'database', scenario: job.scenario, connections: job.connections, dbLatencyMs: job.dbLatencyMs, rps: 12_000, note: 'fake' };
      },
    },
  };
}

let watched = 0;
/** A neighbour watch that reports the scripted figures of the run's next window. */
function watchFor(script: (window: number) => Neighbours | undefined) {
  const n = watched++;
  return { restart: () => undefined, stop: () => script(n) };
}

/** The pipeline's dependencies, all fake, and the world they act on. */
export function fakeDeps(options: FakeOptions = {}): { deps: PipelineDeps; world: FakeWorld } {
  watched = 0;
  const world = new FakeWorld(options);
  const config = makeConfig(options.config);
  const scenarios = options.scenarios ?? makeScenarios();
  const apps = new Map<string, AppDefinition>(config.frameworks.map((name) => [name, makeApp(name)]));
  const plan = planRun(config, scenarios);
  const recorder = new Recorder(world.storage, (event) => world.events.push(event));
  const cellIdOf = (url: string, connections: number) => {
    const { host, pathname, search } = new URL(url);
    const framework = host.replace(/^fake-/, '').replace(/:\d+$/, '');
    const rtt = world.rttByPort.get(Number(new URL(url).port));
    const same = (c: Pick<CellPlan, 'framework' | 'path' | 'connections' | 'dbRttMs'>) =>
      c.framework === framework && c.path === `${pathname}${search}` && c.connections === connections && c.dbRttMs === rtt;
    // Cells planned during the run (the sweep's extension) are found on record.
    const cell = plan.cells.find(same) ?? recorder.results.cells.find((c) => c.rateSpec === undefined && same(c));
    return cell?.id ?? `${framework}?${pathname}`;
  };
  // Open-loop cells share their closed-loop twin's path: the offered rate (as recorded) tells them apart.
  const openCellOf = (url: string, rateRps: number | undefined) => {
    const { host, pathname, search } = new URL(url);
    const framework = host.replace(/^fake-/, '').replace(/:\d+$/, '');
    const cell = recorder.results.cells.find(
      (c) => c.rateSpec !== undefined && c.framework === framework && c.path === `${pathname}${search}` && c.offeredRps === rateRps,
    );
    return cell?.id ?? `${framework}?${pathname}@${rateRps}`;
  };
  let port = 40_000;
  const rig = (): Rig => ({
    layout: { totalCores: 2, appCpus: [1], dbCpus: [0], loadgenCpus: [0], shared: true, note: 'shared' },
    pinned: false,
    runtime: fakeRuntime(world),
    database: fakeDatabase(world),
    loadGenerator: fakeLoadGenerator(world, 'measure', cellIdOf),
    openLoop: config.openLoop ? fakeOpenLoopGenerator(world, openCellOf) : undefined,
    crossCheck: config.crossCheck ? fakeLoadGenerator(world, 'cross-check', cellIdOf) : undefined,
    ceilings: fakeCeilings(world, config.openLoop !== undefined),
    async verify(_baseUrl, cell) {
      world.step(`verify ${cell.id}`);
      const bad = options.failVerify?.includes(cell.id);
      return { ok: !bad, checked: [cell.path], problems: bad ? [`${cell.path}: Content-Type is 'text/plain', expected application/json`] : [] };
    },
    async ready(app) {
      const name = (app as FakeApp).framework;
      world.step(`ready ${name}`);
      if (options.failStart?.includes(name)) throw new Error('the app exited (3) before answering');
    },
    findPort: async () => port++,
    ...(options.neighbours ? { watchNeighbours: () => watchFor(options.neighbours!) } : {}),
    // --db-rtt: the round trip travels in the URL, so the fake load generator knows which cell an app serves.
    databaseFor: (rttMs) => `postgres://bench:secret@127.0.0.1:20000/hello_world?rtt=${rttMs}`,
    results: { ...makeResults([], { status: 'running', config }), apps: {}, ceilings: [] },
    warnings: [],
  });
  const deps: PipelineDeps = {
    config,
    apps,
    scenarios,
    recorder,
    async provision() {
      world.step('provision');
      return rig();
    },
    async report() {
      world.step('report');
    },
    interrupted: () => world.interrupted,
    now: options.now ?? (() => new Date('2026-11-21T00:00:00.000Z')),
    blameGraceMs: 0,
  };
  return { deps, world };
}

/** Runs the pipeline on fakes; returns the final results on disk, the world, and what it threw. */
export async function runFake(options: FakeOptions = {}): Promise<{ results: Results; world: FakeWorld; error: unknown }> {
  const { deps, world } = fakeDeps(options);
  let error: unknown;
  try {
    await runPipeline(deps);
  } catch (e) {
    error = e;
  }
  const results = world.storage.last;
  if (!results) throw new Error(`the pipeline saved nothing (trace: ${world.trace.join(', ')})`, { cause: error });
  return { results, world, error };
}
