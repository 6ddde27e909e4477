import { describe, expect, it } from 'vitest';
import { runFake } from '../support/fakes.ts';

describe('drift check', () => {
  it('flags a first cell that moved more than 10% by the end of the run, with a DRIFT warning', async () => {
    const { results } = await runFake({ measurement: (id, run) => (id === 'flask/json/c64' && run === 1 ? { rps: 850 } : { rps: 1000 }) });
    expect(results.drift).toEqual({ cellId: 'flask/json/c64', firstRps: 1000, lastRps: 850, change: expect.closeTo(-0.15, 6), flagged: true });
    expect(results.warnings.map((w) => w.code)).toEqual(['DRIFT']);
    expect(results.warnings[0]?.hint).toBe('re-run on a quiet machine');
  });

  it('does not flag a change within 10%, and adds no repeat to the cell', async () => {
    const { results } = await runFake({ measurement: (id, run) => (id === 'flask/json/c64' && run === 1 ? { rps: 1050 } : { rps: 1000 }) });
    expect(results.drift).toMatchObject({ flagged: false, lastRps: 1050 });
    expect(results.warnings).toEqual([]);
    expect(results.cells[0]?.repeats).toHaveLength(1);
  });

  it('uses the first cell that was measured when earlier ones failed, and warns when its re-measurement fails', async () => {
    const { results } = await runFake({
      failVerify: ['flask/json/c64'],
      measurement: (id, run) => (id === 'flask/db/c64' && run === 1 ? { requests2xx: 0 } : {}),
    });
    expect(results.drift).toBeUndefined();
    expect(results.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      'DRIFT_FAILED: the drift check could not measure the first cell again: flask/db/c64: no successful (2xx) responses (0 errors, 0 timeouts, 0 non-2xx)',
    ]);
    // The drift check's failure does not fail the cell.
    expect(results.cells[1]?.status).toBe('ok');
  });

  it('is skipped when no cell was measured', async () => {
    const { results, world } = await runFake({ failVerify: ['flask/json/c64', 'flask/db/c64', 'fastapi/json/c64', 'fastapi/db/c64'] });
    expect(results.drift).toBeUndefined();
    expect(world.trace.some((s) => s.startsWith('measure'))).toBe(false);
    expect(world.events.some((e) => e.type === 'stage' && e.stage === 'drift')).toBe(false);
  });
});
