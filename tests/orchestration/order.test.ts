import { describe, expect, it } from 'vitest';
import { runFake } from '../support/fakes.ts';
import { expectCleanShutdown } from './shutdown.ts';

// The order of setup, measurement and cleanup, checked on fakes (as hyperfine's
// execution_order_tests does with its MockExecutor): nothing is timed, nothing is started.
describe('execution order', () => {
  it('interleaves repeats round by round across frameworks, then checks drift, stops apps before the database, then reports', async () => {
    const { results, world } = await runFake({ config: { repeat: 2 } });
    expect(world.trace).toEqual([
      'provision',
      'prepare flask',
      'prepare fastapi',
      'ceiling loadgen c64',
      'ceiling database db/c64',
      // Round 1: every framework once, each cell verified on this start, then measured once.
      'start flask',
      'ready flask',
      'verify flask/json/c64',
      'measure flask/json/c64',
      'verify flask/db/c64',
      'measure flask/db/c64',
      'stop flask',
      'start fastapi',
      'ready fastapi',
      'verify fastapi/json/c64',
      'measure fastapi/json/c64',
      'verify fastapi/db/c64',
      'measure fastapi/db/c64',
      'stop fastapi',
      // Round 2.
      'start flask',
      'ready flask',
      'verify flask/json/c64',
      'measure flask/json/c64',
      'verify flask/db/c64',
      'measure flask/db/c64',
      'stop flask',
      'start fastapi',
      'ready fastapi',
      'verify fastapi/json/c64',
      'measure fastapi/json/c64',
      'verify fastapi/db/c64',
      'measure fastapi/db/c64',
      'stop fastapi',
      // Drift: the first cell again, on a fresh start.
      'start flask',
      'ready flask',
      'measure flask/json/c64',
      'stop flask',
      'close runtime',
      'stop database',
      'report',
    ]);
    expect(results.status).toBe('complete');
    expect(results.cells.map((c) => `${c.id} ${c.status} ${c.repeats.length}`)).toEqual([
      'flask/json/c64 ok 2',
      'flask/db/c64 ok 2',
      'fastapi/json/c64 ok 2',
      'fastapi/db/c64 ok 2',
    ]);
    expectCleanShutdown(world.trace);
  });

  it('without interleaving runs all repeats of a framework back to back on one start', async () => {
    const { world } = await runFake({ config: { repeat: 3, interleave: false, frameworks: ['flask'], scenarios: ['json'] } });
    expect(world.trace).toEqual([
      'provision',
      'prepare flask',
      'ceiling loadgen c64',
      'start flask',
      'ready flask',
      'verify flask/json/c64',
      'measure flask/json/c64',
      'measure flask/json/c64',
      'measure flask/json/c64',
      'stop flask',
      'start flask',
      'ready flask',
      'measure flask/json/c64',
      'stop flask',
      'close runtime',
      'stop database',
      'report',
    ]);
  });

  it('has every finished repeat on disk before the next load run starts', async () => {
    const { world } = await runFake({ config: { repeat: 2 } });
    // 8 measurements of cells, then the drift check: each saw all the earlier ones on disk.
    expect(world.repeatsOnDiskAtMeasure).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...world.storage.raws.keys()]).toContain('flask_db_c64-r1.json');
  });

  it('measures one database ceiling per database cell shape and cross-checks the first repeat of json and db cells', async () => {
    const { results, world } = await runFake({
      config: { frameworks: ['flask'], scenarios: ['json', 'db', 'slow-db'], crossCheck: true, dbLatenciesMs: [0, 10] },
    });
    expect(world.trace.filter((s) => s.startsWith('ceiling'))).toEqual([
      'ceiling loadgen c64',
      'ceiling database db/c64',
      'ceiling database slow-db/c64/0ms',
      'ceiling database slow-db/c64/10ms',
    ]);
    expect(world.trace.filter((s) => s.startsWith('cross-check'))).toEqual(['cross-check flask/json/c64', 'cross-check flask/db/c64']);
    expect(results.cells.find((c) => c.id === 'flask/json/c64')?.crossCheck).toMatchObject({ tool: 'cross-check', ratio: 1, flagged: false });
    expect(results.ceilings).toHaveLength(4);
  });

  it('tells its observer the plan first, then numbered measurements, and the final status last', async () => {
    const { world } = await runFake({ config: { repeat: 2 } });
    const first = world.events[0];
    expect(first).toMatchObject({ type: 'plan', cells: 4, measurements: 9 });
    expect(first?.type === 'plan' && first.expectedS).toBeGreaterThan(9 * 7);
    const starts = world.events.filter((e) => e.type === 'measure-start');
    expect(starts.map((e) => e.type === 'measure-start' && `${e.index}/${e.total}`)).toEqual(['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
    expect(world.events.filter((e) => e.type === 'stage').map((e) => e.type === 'stage' && e.stage)).toEqual([
      'prepare',
      'ceilings',
      'measure',
      'measure',
      'measure',
      'measure',
      'drift',
      'report',
    ]);
    expect(world.events.at(-2)).toEqual({ type: 'finish', status: 'complete' });
  });
});
