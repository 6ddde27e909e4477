import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../harness/events.ts';
import { planRun } from '../../harness/pipeline/run-plan.ts';
import { notOkSummary, Recorder } from '../../harness/results/recorder.ts';
import { makeCell, makeConfig, makeMeasurement, makeResults, makeScenarios } from '../support/factories.ts';
import { MemoryStorage } from '../support/fakes.ts';

function started() {
  const storage = new MemoryStorage();
  const events: RunEvent[] = [];
  const recorder = new Recorder(storage, (e) => events.push(e));
  const plan = planRun(makeConfig({ frameworks: ['flask'], scenarios: ['json', 'db'] }), makeScenarios());
  return { storage, events, recorder, begin: () => recorder.begin(makeResults([], { status: 'running', ceilings: [] }), plan.cells) };
}

const FINISHED_AT = new Date('2026-11-21T01:00:00.000Z');

describe('Recorder', () => {
  it('lists every planned cell as unmeasured from the start, on disk', async () => {
    const { storage, begin } = started();
    await begin();
    expect(storage.last?.cells.map((c) => `${c.id} ${c.status}`)).toEqual(['flask/json/c64 unmeasured', 'flask/db/c64 unmeasured']);
  });

  it('saves the raw output before the repeat, and the repeat before returning; the cell becomes ok', async () => {
    const { storage, recorder, begin } = started();
    await begin();
    await recorder.addRepeat('flask/json/c64', { startedAt: 'now', measurement: makeMeasurement(), raw: { autocannon: true } });
    expect(storage.raws.get('flask_json_c64-r0.json')).toEqual({ autocannon: true });
    expect(storage.last?.cells[0]).toMatchObject({ status: 'ok', repeats: [{ repeat: 0, rawFile: 'raw/flask_json_c64-r0.json' }] });
  });

  it('keeps the first failure of a cell and tells the observer once', async () => {
    const { storage, events, recorder, begin } = started();
    await begin();
    await recorder.failCell('flask/db/c64', { stage: 'verify', reason: 'wrong body', logLines: [] });
    await recorder.failCell('flask/db/c64', { stage: 'start', reason: 'later', logLines: [] });
    expect(storage.last?.cells[1]?.failure?.reason).toBe('wrong body');
    expect(events.filter((e) => e.type === 'cell-failed')).toHaveLength(1);
  });

  it('records warnings from the closed set with their hint, and emits them', async () => {
    const { storage, events, recorder, begin } = started();
    await begin();
    await recorder.warn('NO_PGBENCH');
    expect(storage.last?.warnings).toEqual([
      { code: 'NO_PGBENCH', message: expect.stringContaining('pgbench not found'), hint: expect.stringContaining('postgresql-client') },
    ]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'warning', code: 'NO_PGBENCH' }));
  });

  it('finishes once: the first final status wins and nothing changes the document afterwards', async () => {
    const { storage, recorder, begin } = started();
    await begin();
    await recorder.finish('interrupted', FINISHED_AT);
    const saves = storage.saves.length;
    await recorder.finish('complete', FINISHED_AT);
    await recorder.addRepeat('flask/json/c64', { startedAt: 'now', measurement: makeMeasurement(), raw: {} });
    await recorder.failCell('flask/db/c64', { stage: 'measure', reason: 'killed by Ctrl-C', logLines: [] });
    expect(storage.saves).toHaveLength(saves);
    expect(storage.last).toMatchObject({ status: 'interrupted', finishedAt: FINISHED_AT.toISOString() });
    expect(storage.last?.cells.map((c) => c.status)).toEqual(['unmeasured', 'unmeasured']);
  });

  it('does nothing on finish before begin (Ctrl-C before the results existed)', async () => {
    const { storage, recorder } = started();
    await recorder.finish('interrupted', FINISHED_AT);
    expect(storage.saves).toEqual([]);
  });

  it('serialises writes: concurrent changes are saved in order, the last save holds all of them', async () => {
    const { storage, recorder, begin } = started();
    await begin();
    await Promise.all([
      recorder.addCeiling({ kind: 'loadgen', connections: 64, rps: 1, note: 'a' }),
      recorder.warn('SHARED_CORES', 'core 0'),
      recorder.setDrift({ cellId: 'x', firstRps: 1, lastRps: 1, change: 0, flagged: false }),
    ]);
    expect(storage.last).toMatchObject({ ceilings: [{ note: 'a' }], warnings: [{ code: 'SHARED_CORES' }], drift: { cellId: 'x' } });
  });
});

describe('notOkSummary', () => {
  it('is undefined only when every cell is ok with repeats', () => {
    expect(notOkSummary([makeCell({ framework: 'flask', scenario: 'json', rps: [1] })])).toBeUndefined();
    const empty = { ...makeCell({ framework: 'flask', scenario: 'db', rps: [] }), status: 'unmeasured' as const };
    const failed = makeCell({ framework: 'fastapi', scenario: 'json', rps: [], failed: 'wrong body' });
    expect(notOkSummary([empty, failed])).toBe('2 of 2 cells are not ok: 1 failed (fastapi/json/c64), 1 unmeasured (flask/db/c64)');
  });
});
