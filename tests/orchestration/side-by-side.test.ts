import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import type { RunConfig } from '../../harness/config/options.ts';
import { planRun } from '../../harness/pipeline/run-plan.ts';
import { makeConfig, makeScenarios } from '../support/factories.ts';
import { runFake } from '../support/fakes.ts';
import { expectCleanShutdown } from './shutdown.ts';

// --schedule side-by-side on fakes (docs/schedule.md): the order of starts, verifications,
// windows and stops, and what a failure or Ctrl-C leaves behind. Nothing is timed.
const SIDE: Partial<RunConfig> = { schedule: 'side-by-side', seed: 7, repeat: 3, scenarios: ['json', 'db', 'slow-db'], dbLatenciesMs: [0, 10] };
const CELLS = ['json/c64', 'db/c64', 'slow-db/c64/0ms', 'slow-db/c64/10ms'];

const windows = (trace: string[]) => trace.filter((s) => s.startsWith('measure ')).map((s) => s.slice('measure '.length));
const shape = (id: string) => id.slice(id.indexOf('/') + 1);
const statuses = (cells: { id: string; status: string; repeats: unknown[]; failure?: { stage: string } | undefined }[]) =>
  cells.map((c) => `${c.id} ${c.status} ${c.repeats.length}${c.failure ? ` at ${c.failure.stage}` : ''}`);

describe('--schedule side-by-side', () => {
  it('starts every app once and verifies each of its cells before the next app starts, then measures every round on the running apps', async () => {
    const { results, world } = await runFake({ config: SIDE });
    const firstWindow = world.trace.findIndex((s) => s.startsWith('measure '));
    expect(world.trace.slice(0, firstWindow)).toEqual([
      'provision',
      'prepare flask',
      'prepare fastapi',
      'ceiling loadgen c64',
      'ceiling database db/c64',
      'ceiling database slow-db/c64/0ms',
      'ceiling database slow-db/c64/10ms',
      'start flask',
      'ready flask',
      ...CELLS.map((c) => `verify flask/${c}`),
      'start fastapi',
      'ready fastapi',
      ...CELLS.map((c) => `verify fastapi/${c}`),
    ]);
    // 3 rounds x 4 shapes x 2 frameworks, and no drift check: no app is started again to measure a cell once more.
    const measured = windows(world.trace);
    expect(measured).toHaveLength(3 * 8);
    const closedPhase = world.trace.slice(firstWindow, firstWindow + 24);
    expect(closedPhase.every((s) => s.startsWith('measure '))).toBe(true);
    expect(world.trace.slice(firstWindow + 24)).toEqual(['stop flask', 'stop fastapi', 'close runtime', 'stop database', 'report']);
    expect(results.drift).toBeUndefined();
    expectCleanShutdown(world.trace);
    expect(results.status).toBe('complete');
    expect(statuses(results.cells)).toEqual([...CELLS.map((c) => `flask/${c} ok 3`), ...CELLS.map((c) => `fastapi/${c} ok 3`)]);
    expect(results.config).toMatchObject({ schedule: 'side-by-side', seed: 7 });
  });

  it('measures round r as repeat r of every cell, the frameworks of a shape back to back, in the seeded order of the plan', async () => {
    const { world } = await runFake({ config: SIDE });
    const measured = windows(world.trace).slice(0, 24);
    for (let round = 0; round < 3; round++) {
      const inRound = measured.slice(round * 8, round * 8 + 8);
      expect([...inRound].sort()).toEqual(['fastapi', 'flask'].flatMap((f) => CELLS.map((c) => `${f}/${c}`)).sort());
      for (let i = 0; i < 8; i += 2) {
        expect(shape(inRound[i]!)).toBe(shape(inRound[i + 1]!));
        expect(inRound[i]).not.toBe(inRound[i + 1]);
      }
    }
    // Every window saw each earlier one on disk: repeat r of a cell is written before round r + 1 begins.
    expect(world.repeatsOnDiskAtMeasure).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const planned = planRun(makeConfig(SIDE), makeScenarios()).sideBySide!.blocks[0]!.rounds.flat();
    expect(measured).toEqual(planned.map((w) => w.cell.id));
    // A different seed, a different order of the same windows.
    const other = windows((await runFake({ config: { ...SIDE, seed: 8 } })).world.trace).slice(0, 24);
    expect(other).not.toEqual(measured);
    expect([...other].sort()).toEqual([...measured].sort());
  });

  it('starts every app once per database round trip, against that path, and stops them all before the next', async () => {
    const { results, world } = await runFake({ config: { schedule: 'side-by-side', seed: 3, repeat: 2, dbRttMs: [0, 0.5] } });
    const lifecycle = world.trace.filter((s) => /^(start|stop|verify) /.test(s) && s !== 'stop database');
    expect(lifecycle).toEqual([
      'start flask',
      'verify flask/json/c64',
      'verify flask/db/c64',
      'start fastapi',
      'verify fastapi/json/c64',
      'verify fastapi/db/c64',
      'stop flask',
      'stop fastapi',
      'start flask',
      'verify flask/db/c64/rtt0.5',
      'start fastapi',
      'verify fastapi/db/c64/rtt0.5',
      'stop flask',
      'stop fastapi',
    ]);
    const measured = windows(world.trace);
    const secondBlock = world.trace.indexOf('verify fastapi/db/c64/rtt0.5');
    // The fake load generator names a cell by the round trip its app was started with.
    expect(windows(world.trace.slice(secondBlock))).toEqual(expect.arrayContaining(['flask/db/c64/rtt0.5', 'fastapi/db/c64/rtt0.5']));
    expect(measured.filter((id) => id.endsWith('/rtt0.5'))).toHaveLength(2 * 2);
    expect(results.cells.every((c) => c.status === 'ok' && c.repeats.length === 2)).toBe(true);
    expectCleanShutdown(world.trace);
  });
});

describe('--schedule side-by-side when something fails', () => {
  it('an app that dies mid-run fails only its own later cells; the other app is measured in every round', async () => {
    let killedAt = -1;
    const { results, world } = await runFake({
      config: SIDE,
      // flask's second window of db/c64 (round 2) hangs until flask dies under it.
      hang: (id, run) => id === 'flask/db/c64' && run === 1,
      hook: (step, w) => {
        if (step === 'measure flask/db/c64' && w.runs.get('measure flask/db/c64') === 2) {
          killedAt = w.trace.length - 1;
          w.killApp('flask');
        }
      },
    });
    expect(killedAt).toBeGreaterThan(0);
    expect(windows(world.trace.slice(killedAt + 1)).filter((id) => id.startsWith('flask/'))).toEqual([]);
    const flask = results.cells.filter((c) => c.framework === 'flask');
    expect(flask.every((c) => c.status === 'failed')).toBe(true);
    expect(flask.find((c) => c.id === 'flask/db/c64')).toMatchObject({
      repeats: [expect.anything()],
      failure: { stage: 'measure', reason: 'flask exited (SIGKILL) during the measurement' },
    });
    for (const cell of flask.filter((c) => c.id !== 'flask/db/c64')) {
      expect(cell.failure).toMatchObject({ stage: 'start', reason: expect.stringContaining('flask was not running: it exited (SIGKILL)') });
      // Its windows before the death are kept as evidence.
      expect(cell.repeats.length).toBeGreaterThanOrEqual(1);
    }
    expect(statuses(results.cells.filter((c) => c.framework === 'fastapi'))).toEqual(CELLS.map((c) => `fastapi/${c} ok 3`));
    // Not started again: the dead app is stopped with the others at the end.
    expect(world.trace.filter((s) => s === 'start flask')).toHaveLength(1);
    expect(results.status).toBe('failed');
    expectCleanShutdown(world.trace);
  });

  it('an app that does not start fails its cells at start, and the others are verified and measured', async () => {
    const { results, world } = await runFake({ config: SIDE, failStart: ['flask'] });
    expect(world.trace.filter((s) => s.includes('flask'))).toEqual(['prepare flask', 'start flask', 'ready flask', 'stop flask']);
    expect(statuses(results.cells)).toEqual([...CELLS.map((c) => `flask/${c} failed 0 at start`), ...CELLS.map((c) => `fastapi/${c} ok 3`)]);
    expectCleanShutdown(world.trace);
  });

  it('a cell that fails verification fails alone and is never measured; its shape is measured for the other framework', async () => {
    const { results, world } = await runFake({ config: SIDE, failVerify: ['fastapi/db/c64'] });
    expect(windows(world.trace)).not.toContain('fastapi/db/c64');
    expect(windows(world.trace).filter((id) => id === 'flask/db/c64')).toHaveLength(3);
    expect(statuses(results.cells).filter((s) => !s.endsWith('ok 3'))).toEqual(['fastapi/db/c64 failed 0 at verify']);
    // Verified once, on the one start.
    expect(world.trace.filter((s) => s === 'verify fastapi/db/c64')).toHaveLength(1);
  });

  it('Ctrl-C during a window stops measuring, stops every app, and keeps the rounds already measured', async () => {
    let at = -1;
    const { results, world, error } = await runFake({
      config: SIDE,
      hang: (id, run) => id === 'fastapi/db/c64' && run === 1,
      hook: (step, w) => {
        if (step === 'measure fastapi/db/c64' && w.runs.get('measure fastapi/db/c64') === 2) {
          at = w.trace.length - 1;
          w.interrupt();
        }
      },
    });
    expect(error).toBeUndefined();
    expect(results.status).toBe('interrupted');
    const after = world.trace.slice(at + 1);
    expect(after.filter((s) => /^(prepare|ceiling|start|ready|verify|measure) /.test(s))).toEqual([]);
    expect(after.slice(0, 2)).toEqual(['stop flask', 'stop fastapi']);
    expect(results.cells.every((c) => c.status === 'ok' && c.repeats.length >= 1)).toBe(true);
    expect(results.cells.find((c) => c.id === 'fastapi/db/c64')?.repeats).toHaveLength(1);
    expectCleanShutdown(world.trace);
  });

  it('Ctrl-C while the second app starts stops the first one too, and nothing is measured', async () => {
    const { results, world } = await runFake({ config: SIDE, hook: (step, w) => step === 'ready fastapi' && w.interrupt() });
    expect(windows(world.trace)).toEqual([]);
    expect(world.trace.slice(world.trace.indexOf('ready fastapi') + 1)).toEqual(['stop flask', 'stop fastapi', 'close runtime', 'stop database', 'report']);
    expect(results.cells.every((c) => c.status === 'unmeasured')).toBe(true);
    expectCleanShutdown(world.trace);
  });

  it('a database that dies during a window fails that cell, measures nothing more, and stops every app', async () => {
    const { results, world, error } = await runFake({
      config: SIDE,
      hang: (id, run) => id === 'flask/json/c64' && run === 1,
      hook: (step, w) => step === 'measure flask/json/c64' && w.runs.get('measure flask/json/c64') === 2 && w.killDatabase(),
    });
    expect(error).toMatchObject({ code: 'DATABASE' });
    expect(results.cells.find((c) => c.id === 'flask/json/c64')?.failure?.reason).toMatch(/^the database died/);
    const after = world.trace.slice(world.trace.lastIndexOf('measure flask/json/c64') + 1);
    expect(after.filter((s) => /^(start|verify|measure) /.test(s))).toEqual([]);
    expect(after.slice(0, 2)).toEqual(['stop flask', 'stop fastapi']);
    expectCleanShutdown(world.trace);
  });
});

describe('--schedule side-by-side with adaptive stopping', () => {
  const ADAPTIVE: Partial<RunConfig> = { ...SIDE, repeat: 1, stopping: { targetHalfWidth: 0.05, budgetS: 20, maxRounds: 40 } };
  // flask at 0.75 of fastapi in every round, the whole round moved by the machine: the paired ratio is exact.
  const steady = (id: string, run: number) => ({ rps: (id.startsWith('flask') ? 3000 : 4000) * (1 + 0.3 * Math.sin(run)) });

  it('stops once every column is within the target, after the minimum of 5 rounds, and records why', async () => {
    const { results } = await runFake({ config: ADAPTIVE, measurement: steady });
    expect(results.cells.map((c) => c.repeats.length)).toEqual(Array(8).fill(5));
    expect(results.rounds).toEqual([
      expect.objectContaining({ rounds: 5, stoppedBy: 'precision', targetHalfWidth: 0.05, budgetS: 20, columns: expect.any(Array) }),
    ]);
    expect(results.rounds![0]!.columns.every((c) => c.met && c.rounds === 5 && c.halfWidth! < 0.001)).toBe(true);
    const share = analyze(results).cells.find((c) => c.id === 'flask/db/c64')?.shareOfFastestInterval;
    expect(share?.low).toBeCloseTo(0.75, 9);
    expect(share?.high).toBeCloseTo(0.75, 9);
  });

  it('keeps measuring only the columns not yet precise, and stops when the budget is spent, frameworks of a column always paired', async () => {
    let clockMs = Date.parse('2026-11-21T00:00:00.000Z');
    // Every call of the clock moves it 0.1 s: 5 rounds of 8 windows take about 6 s of the budget of 8 s.
    const now = () => {
      clockMs += 100;
      return new Date(clockMs);
    };
    // db: each window of flask off by up to +-20% on its own, so its ratio never settles within 5% in a few rounds.
    const measurement = (id: string, run: number) =>
      id.includes('/db/') && id.startsWith('flask') ? { rps: 3000 * (1 + 0.2 * Math.sin(run * 2.1)) } : steady(id, run);
    const { results } = await runFake({ config: { ...ADAPTIVE, stopping: { targetHalfWidth: 0.05, budgetS: 8, maxRounds: 40 } }, measurement, now });
    const record = results.rounds![0]!;
    expect(record.stoppedBy).toBe('budget');
    expect(record.rounds).toBeGreaterThan(5);
    const db = record.columns.find((c) => c.shape === 'db/c64')!;
    expect(db.met).toBe(false);
    expect(db.halfWidth).toBeGreaterThan(0.05);
    const json = record.columns.find((c) => c.shape === 'json/c64')!;
    expect(json).toMatchObject({ met: true, rounds: 5 });
    const repeats = (id: string) => results.cells.find((c) => c.id === id)!.repeats.length;
    expect(repeats('flask/json/c64')).toBe(5);
    expect(repeats('flask/db/c64')).toBe(db.rounds);
    expect(repeats('fastapi/db/c64')).toBe(db.rounds);
    expect(db.rounds).toBeGreaterThan(5);
  });
});

describe('--schedule side-by-side when other processes take CPU during a window', () => {
  const quiet = { coreShare: 0.02, peakCoreShare: 0.05, stealShare: 0, windowS: 1, top: [] };
  const busy = { coreShare: 0.6, peakCoreShare: 1, stealShare: 0, windowS: 1, top: [{ pid: 4242, comm: 'tsc', coreShare: 0.58 }] };
  const config: Partial<RunConfig> = { schedule: 'side-by-side', seed: 7, repeat: 3, scenarios: ['json'] };

  it('measures a disturbed window again, keeps the disturbed one under `remeasured`, and leaves it out of the repeats', async () => {
    // The second window of the run is disturbed, its second measurement quiet.
    const { results, world } = await runFake({ config, neighbours: (n) => (n === 1 ? busy : quiet) });
    expect(windows(world.trace)).toHaveLength(2 * 3 + 1);
    const cells = results.cells.filter((c) => c.kind === 'json');
    expect(cells.map((c) => c.repeats.length)).toEqual([3, 3]);
    const again = cells.flatMap((c) => (c.remeasured ?? []).map((r) => ({ id: c.id, reason: r.reason })));
    expect(again).toEqual([{ id: expect.any(String), reason: 'other processes took 60% of a core: tsc (pid 4242) 58%' }]);
    for (const c of cells) for (const r of c.repeats) expect(r.resources?.neighbours?.coreShare).toBe(0.02);
    expect(world.events.some((e) => e.type === 'log' && /measuring this window again/.test(e.line))).toBe(true);
  }, 20_000);

  it('keeps the window, flagged, after measuring it again twice', async () => {
    // Window 0 and both of its measurements again are disturbed.
    const { results, world } = await runFake({ config, neighbours: (n) => (n <= 2 ? busy : quiet) });
    expect(windows(world.trace)).toHaveLength(2 * 3 + 2);
    const disturbed = results.cells.find((c) => (c.remeasured?.length ?? 0) > 0)!;
    expect(disturbed.remeasured).toHaveLength(2);
    expect(disturbed.repeats).toHaveLength(3);
    expect(disturbed.repeats[0]!.resources?.neighbours?.coreShare).toBe(0.6);
    expect(results.warnings.map((w) => w.code)).toContain('DISTURBED');
  }, 20_000);
});
