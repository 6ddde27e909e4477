import { describe, expect, it } from 'vitest';
import { runFake } from '../support/fakes.ts';
import { expectCleanShutdown } from './shutdown.ts';

/**
 * Ctrl-C at each stage: the injected `interrupted()` turns true at that step, and (as the
 * cleanup registry does) every running child is killed. Nothing is measured after it, no
 * cell is saved `ok` without repeats, cells not measured are `unmeasured`, the final status
 * is `interrupted`, and everything started is stopped, apps before the database.
 */
const stages = [
  { at: 'provision', measured: [] },
  { at: 'prepare fastapi', measured: [] },
  { at: 'ceiling loadgen c64', measured: [] },
  { at: 'ceiling database db/c64', measured: [] },
  { at: 'start flask', measured: [] },
  { at: 'ready flask', measured: [] },
  { at: 'verify flask/db/c64', measured: ['flask/json/c64'] },
  // The load run is killed mid-way: the cell is neither ok nor failed.
  { at: 'measure flask/db/c64', measured: ['flask/json/c64'], hang: true },
  { at: 'start fastapi', measured: ['flask/json/c64', 'flask/db/c64'] },
  { at: 'measure fastapi/db/c64', measured: ['flask/json/c64', 'flask/db/c64', 'fastapi/json/c64'], hang: true },
  { at: 'stop fastapi', measured: ['flask/json/c64', 'flask/db/c64', 'fastapi/json/c64', 'fastapi/db/c64'] },
];

describe('Ctrl-C', () => {
  for (const { at, measured, hang } of stages) {
    it(`at '${at}' stops measuring, keeps what was measured, marks the rest unmeasured and cleans up`, async () => {
      let seen = false;
      const { results, world, error } = await runFake({
        hang: hang ? [at.replace(/^measure /, '')] : [],
        hook: (step, w) => {
          if (step === at && !seen) {
            seen = true;
            w.interrupt();
          }
        },
      });
      expect(error).toBeUndefined();
      expect(results.status).toBe('interrupted');
      expect(results.cells.filter((c) => c.status === 'ok').map((c) => c.id)).toEqual(measured);
      expect(results.cells.filter((c) => c.status !== 'ok').every((c) => c.status === 'unmeasured' && c.repeats.length === 0)).toBe(true);
      const after = world.trace.slice(world.trace.indexOf(at) + 1);
      expect(after.filter((s) => /^(prepare|ceiling|start|ready|verify|measure) /.test(s))).toEqual([]);
      expectCleanShutdown(world.trace);
      expect(world.trace.at(-1)).toBe('report');
    });
  }

  it('during the drift check leaves the measured cell ok and records no drift', async () => {
    const { results, world } = await runFake({
      config: { frameworks: ['flask'], scenarios: ['json'] },
      // The second load run of the cell is the drift check's: Ctrl-C kills it.
      hang: (_id, run) => run === 1,
      hook: (step, w) => step === 'measure flask/json/c64' && w.runs.get('measure flask/json/c64') === 2 && w.interrupt(),
    });
    expect(world.trace.filter((s) => s === 'start flask')).toHaveLength(2);
    expect(results.cells.map((c) => `${c.id} ${c.status} ${c.repeats.length}`)).toEqual(['flask/json/c64 ok 1']);
    expect(results.drift).toBeUndefined();
    expect(results.warnings).toEqual([]);
    expect(results.status).toBe('interrupted');
    expectCleanShutdown(world.trace);
  });
});
