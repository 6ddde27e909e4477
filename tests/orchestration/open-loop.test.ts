import { describe, expect, it } from 'vitest';
import { runFake } from '../support/fakes.ts';

const slowDb = { scenarios: ['slow-db'], dbLatenciesMs: [0, 10] };

// Open-loop cells on fakes: they run after every closed-loop cell, and their % rates come from those cells.
describe('open-loop cells in a run', () => {
  it('measures every closed-loop cell first, then resolves 50% from the slowest framework and measures the open-loop ceiling once', async () => {
    const closedRps: Record<string, number> = {
      'flask/slow-db/c64/0ms': 600,
      'flask/slow-db/c64/10ms': 500,
      'fastapi/slow-db/c64/0ms': 2000,
      'fastapi/slow-db/c64/10ms': 900,
    };
    const { results, world, error } = await runFake({
      config: { ...slowDb, openLoop: { arrival: 'poisson', rates: ['50%'] } },
      measurement: (id) => (closedRps[id] === undefined ? {} : { rps: closedRps[id] }),
    });
    expect(error).toBeUndefined();
    const loads = world.trace.filter((s) => s.startsWith('measure ') || s.startsWith('open-loop ') || s.startsWith('ceiling open-loop'));
    expect(loads).toEqual([
      'measure flask/slow-db/c64/0ms',
      'measure flask/slow-db/c64/10ms',
      'measure fastapi/slow-db/c64/0ms',
      'measure fastapi/slow-db/c64/10ms',
      'ceiling open-loop c64 poisson',
      // 50% of 500 req/s: flask at 10 ms, the slowest closed-loop cell of the sweep, so one rate for the whole sweep.
      'open-loop flask/slow-db/c64/0ms/at50% at 250',
      'open-loop flask/slow-db/c64/10ms/at50% at 250',
      'open-loop fastapi/slow-db/c64/0ms/at50% at 250',
      'open-loop fastapi/slow-db/c64/10ms/at50% at 250',
      // The drift check re-measures a closed-loop cell.
      'measure flask/slow-db/c64/0ms',
    ]);
    const open = results.cells.filter((c) => c.rateSpec !== undefined);
    expect(open.map((c) => `${c.id} ${c.status} ${c.offeredRps} ${c.arrival}`)).toEqual([
      'flask/slow-db/c64/0ms/at50% ok 250 poisson',
      'flask/slow-db/c64/10ms/at50% ok 250 poisson',
      'fastapi/slow-db/c64/0ms/at50% ok 250 poisson',
      'fastapi/slow-db/c64/10ms/at50% ok 250 poisson',
    ]);
    expect(results.ceilings.filter((c) => c.generator === 'open-loop').map((c) => c.rps)).toEqual([8000]);
  });

  it('falls back to the frameworks that were measured, with a warning, when one failed its closed-loop cells', async () => {
    const { results, world } = await runFake({
      config: { ...slowDb, openLoop: { arrival: 'constant', rates: ['50%', '300'] } },
      failVerify: ['flask/slow-db/c64/0ms', 'flask/slow-db/c64/10ms'],
      measurement: (id) => (id === 'fastapi/slow-db/c64/10ms' ? { rps: 800 } : {}),
    });
    expect(results.warnings.map((w) => w.code)).toContain('OPEN_LOOP_RATE');
    expect(results.warnings.find((w) => w.code === 'OPEN_LOOP_RATE')?.message).toContain('flask/slow-db/c64/0ms, flask/slow-db/c64/10ms');
    expect(world.trace).toContain('open-loop fastapi/slow-db/c64/10ms/at50% at 400');
    expect(world.trace).toContain('open-loop fastapi/slow-db/c64/10ms/open300 at 300');
  });

  it('fails the % cells with a reason when no closed-loop cell of the sweep was measured, and still runs absolute rates', async () => {
    const { results, world } = await runFake({
      config: { ...slowDb, frameworks: ['flask'], openLoop: { arrival: 'poisson', rates: ['50%', '300'] } },
      failVerify: ['flask/slow-db/c64/0ms', 'flask/slow-db/c64/10ms'],
    });
    const shares = results.cells.filter((c) => c.rateSpec === '50%');
    expect(shares.map((c) => c.status)).toEqual(['failed', 'failed']);
    expect(shares[0]!.failure).toMatchObject({ stage: 'measure', reason: expect.stringContaining('no closed-loop slow-db/c64 cell was measured') });
    expect(world.trace.filter((s) => s.startsWith('open-loop '))).toEqual([
      'open-loop flask/slow-db/c64/0ms/open300 at 300',
      'open-loop flask/slow-db/c64/10ms/open300 at 300',
    ]);
  });

  it('keeps closed-loop ids, rounds and tables as they were when the run has no rates', async () => {
    const { results, world } = await runFake({ config: slowDb });
    expect(results.cells.every((c) => c.rateSpec === undefined)).toBe(true);
    expect(world.trace.some((s) => s.startsWith('ceiling open-loop'))).toBe(false);
  });
});
