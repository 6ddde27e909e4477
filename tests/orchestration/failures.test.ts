import { describe, expect, it } from 'vitest';
import { BenchError } from '../../harness/errors.ts';
import { notOkSummary } from '../../harness/results/recorder.ts';
import { runFake } from '../support/fakes.ts';
import { expectCleanShutdown } from './shutdown.ts';

const statuses = (cells: { id: string; status: string; failure?: { stage: string } | undefined }[]) =>
  cells.map((c) => `${c.id} ${c.status}${c.failure ? ` at ${c.failure.stage}` : ''}`);

describe('a failing app', () => {
  it('that cannot be prepared fails its cells at prepare, is never started, and the others are measured', async () => {
    const { results, world } = await runFake({ failPrepare: ['flask'] });
    expect(world.trace.filter((s) => s.includes('flask'))).toEqual(['prepare flask']);
    expect(statuses(results.cells)).toEqual(['flask/json/c64 failed at prepare', 'flask/db/c64 failed at prepare', 'fastapi/json/c64 ok', 'fastapi/db/c64 ok']);
    expect(results.cells[0]?.failure?.reason).toContain('pip install failed for flask');
    // A failed cell makes the run `failed`: only a run whose every cell was measured is `complete`.
    expect(results.status).toBe('failed');
    expect(notOkSummary(results.cells)).toBe('2 of 4 cells are not ok: 2 failed (flask/json/c64, flask/db/c64)');
    expectCleanShutdown(world.trace);
  });

  it('that does not start fails its cells at start with its last log lines, is stopped, and is not started again in later rounds', async () => {
    const { results, world } = await runFake({ failStart: ['flask'], config: { repeat: 2 } });
    expect(world.trace.filter((s) => s.includes('flask'))).toEqual(['prepare flask', 'start flask', 'ready flask', 'stop flask']);
    const cell = results.cells[0]!;
    expect(cell).toMatchObject({ status: 'failed', failure: { stage: 'start', logLines: ['flask: last words'] } });
    expect(cell.failure?.reason).toContain('flask did not start: the app exited (3) before answering');
    // The drift check uses the first cell that was measured: fastapi's.
    expect(results.drift?.cellId).toBe('fastapi/json/c64');
    expectCleanShutdown(world.trace);
  });

  it('that dies during a measurement aborts the load run at once and fails the cell naming the app; later cells are not measured against the dead app', async () => {
    const { results, world } = await runFake({
      config: { scenarios: ['json', 'db', 'queries'] },
      hang: ['flask/db/c64'],
      hook: (step, w) => step === 'measure flask/db/c64' && w.killApp('flask'),
    });
    expect(statuses(results.cells.slice(0, 3))).toEqual(['flask/json/c64 ok', 'flask/db/c64 failed at measure', 'flask/queries/c64 failed at start']);
    expect(results.cells[1]?.failure).toEqual({ stage: 'measure', reason: 'flask exited (SIGKILL) during the measurement', logLines: ['flask: last words'] });
    expect(results.cells[2]?.failure?.reason).toContain('flask was not running');
    expect(world.trace).not.toContain('verify flask/queries/c64');
    expect(results.status).toBe('failed');
    expectCleanShutdown(world.trace);
  });
});

describe('a failing cell', () => {
  it('that fails verification is never measured; the next cell is', async () => {
    const { results, world } = await runFake({ failVerify: ['flask/json/c64'] });
    expect(world.trace).not.toContain('measure flask/json/c64');
    expect(world.trace).toContain('measure flask/db/c64');
    expect(results.cells[0]).toMatchObject({ status: 'failed', repeats: [], failure: { stage: 'verify', logLines: ['flask: last words'] } });
    expect(results.cells[0]?.failure?.reason).toContain("Content-Type is 'text/plain'");
    expect(results.cells[0]?.verification?.problems).toHaveLength(1);
  });

  it('whose failed requests pass 0.1% fails at measure with the counts, keeps its repeat as evidence, and is not measured again', async () => {
    const { results, world } = await runFake({
      config: { repeat: 2 },
      measurement: (id) => (id === 'flask/db/c64' ? { requests2xx: 9946, errors: 54, timeouts: 3 } : {}),
    });
    const cell = results.cells.find((c) => c.id === 'flask/db/c64')!;
    expect(cell.status).toBe('failed');
    expect(cell.failure?.stage).toBe('measure');
    expect(cell.failure?.reason).toMatch(
      /^54 of 10000 requests failed \(0\.54%, above 0\.1%\): 54 errors \(3 timeouts\), 0 non-2xx; the answered requests: [\d,.]+ req\/s, p50 [\d,]+ ms, p99 [\d,]+ ms, max [\d,]+ ms$/,
    );
    expect(cell.repeats).toHaveLength(1);
    expect(world.trace.filter((s) => s === 'measure flask/db/c64')).toHaveLength(1);
    expect(world.events).toContainEqual(expect.objectContaining({ type: 'cell-failed', cellId: 'flask/db/c64', stage: 'measure' }));
  });

  it('with failed requests at or below 0.1% stays ok', async () => {
    const { results } = await runFake({ measurement: () => ({ requests2xx: 9990, errors: 5, non2xx: 5 }) });
    expect(results.cells.every((c) => c.status === 'ok')).toBe(true);
  });

  it('with no successful response at all fails', async () => {
    const { results } = await runFake({ config: { frameworks: ['flask'], scenarios: ['json'] }, measurement: () => ({ requests2xx: 0, rps: 0 }) });
    expect(results.cells[0]?.failure?.reason).toMatch(/^no successful \(2xx\) responses/);
  });
});

describe('a dead database', () => {
  it('aborts the running measurement, fails that cell naming the database, leaves the rest unmeasured, cleans up, reports and throws DATABASE', async () => {
    const { results, world, error } = await runFake({
      hang: ['flask/db/c64'],
      hook: (step, w) => step === 'measure flask/db/c64' && w.killDatabase(),
    });
    expect(statuses(results.cells)).toEqual([
      'flask/json/c64 ok',
      'flask/db/c64 failed at measure',
      'fastapi/json/c64 unmeasured',
      'fastapi/db/c64 unmeasured',
    ]);
    expect(results.cells[1]?.failure).toEqual({
      stage: 'measure',
      reason: 'the database died: the postmaster (pid 4242) is gone',
      logLines: ['FATAL: terminating connection due to administrator command'],
    });
    expect(results.status).toBe('failed');
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('DATABASE');
    // Nothing started after the death; the drift check is skipped; reports are still written.
    expect(world.trace.slice(world.trace.indexOf('measure flask/db/c64') + 1)).toEqual(['stop flask', 'close runtime', 'stop database', 'report']);
    expectCleanShutdown(world.trace);
  });

  it('found dead between frameworks stops the run before the next start', async () => {
    const { results, world, error } = await runFake({ hook: (step, w) => step === 'stop flask' && w.killDatabase() });
    // The death is seen once its promise settles, before fastapi would start.
    expect(world.trace).not.toContain('start fastapi');
    expect(results.cells.filter((c) => c.framework === 'fastapi').map((c) => c.status)).toEqual(['unmeasured', 'unmeasured']);
    expect(results.status).toBe('failed');
    expect((error as BenchError).code).toBe('DATABASE');
  });

  it('during the ceilings aborts the database ceiling and measures nothing', async () => {
    const { results, world } = await runFake({ hook: (step, w) => step === 'ceiling loadgen c64' && w.killDatabase() });
    expect(world.trace.some((s) => s.startsWith('measure '))).toBe(false);
    expect(results.cells.every((c) => c.status === 'unmeasured')).toBe(true);
    expect(results.warnings).toEqual([]);
    expectCleanShutdown(world.trace);
  });
});
