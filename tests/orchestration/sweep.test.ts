import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import type { RunConfig } from '../../harness/config/options.ts';
import { makeConfig } from '../support/factories.ts';
import { runFake } from '../support/fakes.ts';
import { expectCleanShutdown } from './shutdown.ts';

// The sweep placed from the predictions, on fakes (docs/analysis.md, "Where the sweep is
// placed"): after the closed-loop cells, latencies reaching twice the largest predicted
// crossover are planned and measured for every framework, on the run's own schedule.

const BASE: Partial<RunConfig> = { scenarios: ['json', 'db', 'slow-db'], dbLatenciesMs: [0, 5, 10, 20], extendSweep: true };
/** fastapi's db cell serves 455 req/s (a pool of 10 predicts 22 ms); everything else 1000. */
const slowDb = (id: string) => ({ rps: id === 'fastapi/db/c64' ? 455 : 1000 });
const measuredIds = (trace: string[]) => trace.filter((s) => s.startsWith('measure ')).map((s) => s.slice('measure '.length));

describe('the sweep placed from the predicted crossovers', () => {
  it('restart schedule: measures every framework at the added latency after its planned cells, on a start of its own', async () => {
    const { results, world, error } = await runFake({ config: makeConfig(BASE), measurement: slowDb });
    expect(error).toBeUndefined();
    expect(results.status).toBe('complete');
    expect(results.sweep?.addedMs).toEqual([50]);
    expect(results.sweep?.predictions[0]).toMatchObject({ framework: 'fastapi', poolConnections: 10 });
    const measured = measuredIds(world.trace);
    const added = ['flask/slow-db/c64/50ms', 'fastapi/slow-db/c64/50ms'];
    // The added cells come after every planned closed-loop cell of every framework, each verified first
    // (the restart schedule's drift check, one more window of the first cell, comes last).
    expect(measured.slice(-3)).toEqual([...added, 'flask/json/c64']);
    for (const id of added) expect(world.trace.indexOf(`verify ${id}`)).toBeLessThan(world.trace.indexOf(`measure ${id}`));
    // Its planned start, the added cells' start, the drift check's start.
    expect(world.trace.filter((s) => s === 'start flask')).toHaveLength(3);
    // On record, in sweep order right after each framework's 20 ms cell, measured and analysed.
    const ids = results.cells.map((c) => c.id);
    expect(ids.indexOf('flask/slow-db/c64/50ms')).toBe(ids.indexOf('flask/slow-db/c64/20ms') + 1);
    for (const id of added) expect(results.cells.find((c) => c.id === id)).toMatchObject({ status: 'ok', dbLatencyMs: 50 });
    expect(analyze(results).crossover?.latencies).toEqual([0, 5, 10, 20, 50]);
    expect(world.events.some((e) => e.type === 'log' && e.line.startsWith('Sweep extended to 50 ms'))).toBe(true);
    expectCleanShutdown(world.trace);
  });

  it('side by side: the added cells get rounds of their own on apps started once more, and join the rounds record', async () => {
    const config = makeConfig({ ...BASE, schedule: 'side-by-side', seed: 3, repeat: 3 });
    const { results, world, error } = await runFake({ config, measurement: slowDb });
    expect(error).toBeUndefined();
    expect(results.sweep?.addedMs).toEqual([50]);
    const measured = measuredIds(world.trace);
    const fifty = measured.filter((id) => id.endsWith('/50ms'));
    expect(fifty).toHaveLength(2 * 3);
    // Every 50 ms window follows every planned window: the planned rounds ended first.
    expect(measured.indexOf(fifty[0]!)).toBe(measured.length - fifty.length);
    for (const id of ['flask/slow-db/c64/50ms', 'fastapi/slow-db/c64/50ms']) expect(results.cells.find((c) => c.id === id)?.repeats).toHaveLength(3);
    expectCleanShutdown(world.trace);
  });

  it('keeps --db-latencies as given, and records that it stops short', async () => {
    const { results, world } = await runFake({ config: makeConfig({ ...BASE, extendSweep: false }), measurement: slowDb });
    expect(results.sweep).toMatchObject({ addedMs: [], brackets: false, explicit: true });
    expect(measuredIds(world.trace).some((id) => id.endsWith('/50ms'))).toBe(false);
  });

  it('adds nothing when every prediction lies within half the sweep', async () => {
    const { results, world } = await runFake({ config: makeConfig(BASE) });
    expect(results.sweep).toMatchObject({ addedMs: [], brackets: true });
    // Its planned start and the drift check's, no more.
    expect(world.trace.filter((s) => s === 'start flask')).toHaveLength(2);
  });
});
