import type { RunEvent, RunObserver } from '../events.ts';
import type { CellPlan } from '../plan.ts';
import { makeWarning, type WarningCode } from '../warnings.ts';
import type { RoundsRecord } from './rounds-schema.ts';
import type { AppRecord, Ceiling, Cell, Failure, FinalRunStatus, Measurement, Resources, Results } from './schema.ts';
import type { ResultsStorage } from './store.ts';
import type { SweepPlacement } from './sweep-schema.ts';
import type { MachineTrend } from './trend-schema.ts';

/** One finished load run of a cell, with the tool's raw output (saved before anything derived from it). */
export interface RepeatInput {
  startedAt: string;
  measurement: Measurement;
  resources?: Resources | undefined;
  raw: unknown;
}

/** Pure: a planned cell before anything happened to it. */
export function plannedCell(plan: CellPlan): Cell {
  const { id, framework, scenario, kind, connections, dbLatencyMs, queries, dbRttMs, path, pipelining } = plan;
  const cell: Cell = {
    id,
    framework,
    scenario,
    kind,
    connections,
    dbLatencyMs,
    queries,
    dbRttMs,
    path,
    ...(pipelining ? { pipelining } : {}),
    ...(plan.param ? { param: plan.param } : {}),
    ...(plan.sweepOf ? { sweepOf: plan.sweepOf } : {}),
    status: 'unmeasured',
    repeats: [],
  };
  // Open loop only (docs/open-loop.md), so closed-loop cells keep their shape.
  if (plan.rateSpec !== undefined) Object.assign(cell, { rateSpec: plan.rateSpec, arrival: plan.arrival, offeredRps: plan.offeredRps });
  return cell;
}

/**
 * The one owner of the results document: every change goes through here, and each change
 * that matters (a repeat, a failed cell, a ceiling, a warning, the end) is on disk before
 * the call returns. Writes are serialised. After finish() the document is sealed: a run
 * still unwinding after Ctrl-C cannot overwrite the final state.
 */
export class Recorder {
  #doc: Results | undefined;
  #sealed = false;
  #queue: Promise<void> = Promise.resolve();
  readonly #storage: ResultsStorage;
  readonly #observer: RunObserver;

  readonly #analyze: ((doc: Results) => Results['analysis']) | undefined;

  /** `analyze`: derives the analysis written into the final document (pure; harness/analysis). */
  constructor(storage: ResultsStorage, observer: RunObserver, analyze?: (doc: Results) => Results['analysis']) {
    this.#storage = storage;
    this.#observer = observer;
    this.#analyze = analyze;
  }

  /** The document as it stands. Read it; change it only through the recorder. */
  get results(): Results {
    if (!this.#doc) throw new Error('Recorder.results read before begin()');
    return this.#doc;
  }

  get started(): boolean {
    return this.#doc !== undefined;
  }

  get finished(): boolean {
    return this.#sealed;
  }

  emit(event: RunEvent): void {
    this.#observer(event);
  }

  log(line: string): void {
    this.#observer({ type: 'log', line });
  }

  /** Takes the document (header filled, no cells) and lists every planned cell as `unmeasured`. */
  async begin(doc: Results, planned: CellPlan[]): Promise<void> {
    this.#doc = { ...structuredClone(doc), cells: planned.map(plannedCell) };
    await this.#save();
  }

  async warn(code: WarningCode, detail?: string): Promise<void> {
    if (!this.#open()) return;
    const warning = makeWarning(code, detail);
    this.#doc!.warnings.push(warning);
    this.#observer({ type: 'warning', code, message: warning.message });
    await this.#save();
  }

  async setApp(name: string, record: AppRecord): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.apps[name] = record;
    await this.#save();
  }

  async addCeiling(ceiling: Ceiling): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.ceilings.push(ceiling);
    await this.#save();
  }

  cell(id: string): Cell | undefined {
    return this.#doc?.cells.find((c) => c.id === id);
  }

  /** Kept with the cell; saved with its next change (a repeat or a failure). */
  setVerification(id: string, verification: NonNullable<Cell['verification']>): void {
    const cell = this.#open() && this.cell(id);
    if (cell) cell.verification = verification;
  }

  /** Raw output first, then the repeat; the cell becomes `ok` unless it already failed. */
  async addRepeat(id: string, input: RepeatInput): Promise<void> {
    const cell = this.#open() && this.cell(id);
    if (!cell) return;
    const index = cell.repeats.length;
    const rawFile = await this.#storage.saveRaw(`${id.replace(/\//g, '_')}-r${index}.json`, input.raw);
    if (!this.#open()) return;
    cell.repeats.push({ repeat: index, startedAt: input.startedAt, measurement: input.measurement, resources: input.resources, rawFile });
    if (cell.status === 'unmeasured') cell.status = 'ok';
    await this.#save();
  }

  /**
   * Side by side: takes the cell's last repeat out of its repeats (it is measured again) and
   * keeps it, with why, under `remeasured`; its raw file stays where it is.
   */
  async remeasureLast(id: string, reason: string): Promise<void> {
    const cell = this.#open() && this.cell(id);
    const last = cell ? cell.repeats.pop() : undefined;
    if (!cell || !last) return;
    cell.remeasured = [...(cell.remeasured ?? []), { ...last, reason }];
    await this.#save();
  }

  /** Open loop: the offered rate, once a `%` rate is resolved from the closed-loop cells. */
  async setOfferedRps(id: string, offeredRps: number): Promise<void> {
    const cell = this.#open() && this.cell(id);
    if (!cell) return;
    cell.offeredRps = offeredRps;
    await this.#save();
  }

  async setCrossCheck(id: string, crossCheck: NonNullable<Cell['crossCheck']>): Promise<void> {
    const cell = this.#open() && this.cell(id);
    if (!cell) return;
    cell.crossCheck = crossCheck;
    await this.#save();
  }

  /** The first failure of a cell is the one kept; later ones (a cell failing again in a later round) are dropped. */
  async failCell(id: string, failure: Failure): Promise<void> {
    const cell = this.#open() && this.cell(id);
    if (!cell || cell.status === 'failed') return;
    cell.status = 'failed';
    cell.failure = failure;
    this.#observer({ type: 'cell-failed', cellId: id, stage: failure.stage, reason: failure.reason });
    await this.#save();
  }

  async setSpeed(speed: NonNullable<Results['speed']>): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.speed = speed;
    await this.#save();
  }

  async setCommitLatency(commitLatency: NonNullable<Results['commitLatency']>): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.commitLatency = commitLatency;
    await this.#save();
  }

  /** How the side-by-side rounds of one round trip ended; replaces an earlier record of the same round trip. */
  async setRounds(record: RoundsRecord): Promise<void> {
    if (!this.#open()) return;
    const others = (this.#doc!.rounds ?? []).filter((r) => (r.dbRttMs ?? 0) !== (record.dbRttMs ?? 0));
    this.#doc!.rounds = [...others, record];
    await this.#save();
  }

  /**
   * The sweep's extension (pipeline/sweep.ts): its columns join the record of the same round
   * trip, the rounds and seconds add up, and the stop reason stays the main rounds'.
   */
  async extendRounds(record: RoundsRecord): Promise<void> {
    if (!this.#open()) return;
    const rtt = record.dbRttMs ?? 0;
    const main = (this.#doc!.rounds ?? []).find((r) => (r.dbRttMs ?? 0) === rtt);
    if (!main) return this.setRounds(record);
    const shapes = new Set(record.columns.map((c) => c.shape));
    main.columns = [...main.columns.filter((c) => !shapes.has(c.shape)), ...record.columns];
    main.rounds = Math.max(main.rounds, record.rounds);
    main.budgetS += record.budgetS;
    main.elapsedS += record.elapsedS;
    await this.#save();
  }

  /**
   * Cells planned after the run began (the sweep's extension, pipeline/sweep.ts), as `unmeasured`:
   * each goes right after the last cell of its framework, scenario, connections and round trip.
   */
  async addCells(planned: CellPlan[]): Promise<void> {
    if (!this.#open()) return;
    const cells = this.#doc!.cells;
    for (const plan of planned) {
      const sameSweep = (c: Cell) =>
        c.framework === plan.framework &&
        c.scenario === plan.scenario &&
        c.connections === plan.connections &&
        c.dbRttMs === plan.dbRttMs &&
        c.rateSpec === undefined;
      const at = cells.findLastIndex(sameSweep);
      cells.splice(at === -1 ? cells.length : at + 1, 0, plannedCell(plan));
    }
    await this.#save();
  }

  /** Where the slow-db sweep was placed and why (analysis/sweep-placement.ts). */
  async setSweep(sweep: SweepPlacement): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.sweep = sweep;
    await this.#save();
  }

  async setMachineWait(seconds: number): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.machineWaitS = seconds;
    await this.#save();
  }

  async setDrift(drift: NonNullable<Results['drift']>): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.drift = drift;
    await this.#save();
  }

  /** Side by side: the machine's speed over the rounds (analysis/trend.ts). */
  async setTrend(trend: MachineTrend): Promise<void> {
    if (!this.#open()) return;
    this.#doc!.trend = trend;
    await this.#save();
  }

  /**
   * The final write, on every path; the first call wins. A cell never measured stays
   * `unmeasured` (never `ok` with no repeats).
   */
  async finish(status: FinalRunStatus, finishedAt: Date): Promise<void> {
    if (!this.#doc || this.#sealed) return;
    for (const cell of this.#doc.cells) if (cell.status === 'ok' && cell.repeats.length === 0) cell.status = 'unmeasured';
    this.#doc.status = status;
    this.#doc.finishedAt = finishedAt.toISOString();
    // Consumers (CI, notebooks) read the analysis instead of re-implementing it.
    if (this.#analyze) this.#doc.analysis = this.#analyze(this.#doc);
    this.#sealed = true;
    await this.#save();
    this.#observer({ type: 'finish', status });
  }

  #open(): boolean {
    return this.#doc !== undefined && !this.#sealed;
  }

  #save(): Promise<void> {
    const doc = this.#doc!;
    const write = this.#queue.then(() => this.#storage.save(doc));
    this.#queue = write.catch(() => undefined);
    return write;
  }
}

/** Pure: one line naming the cells that are not `ok`, or undefined when every cell is. */
export function notOkSummary(cells: Cell[]): string | undefined {
  const failed = cells.filter((c) => c.status === 'failed').map((c) => c.id);
  const unmeasured = cells.filter((c) => c.status !== 'failed' && (c.status !== 'ok' || c.repeats.length === 0)).map((c) => c.id);
  if (failed.length + unmeasured.length === 0) return undefined;
  const list = (ids: string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));
  const parts = [
    failed.length ? `${failed.length} failed (${list(failed)})` : '',
    unmeasured.length ? `${unmeasured.length} unmeasured (${list(unmeasured)})` : '',
  ];
  return `${failed.length + unmeasured.length} of ${cells.length} cells are not ok: ${parts.filter(Boolean).join(', ')}`;
}
