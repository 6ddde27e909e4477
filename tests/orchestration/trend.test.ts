import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../harness/config/options.ts';
import { runFake } from '../support/fakes.ts';

// Side by side, the machine's trend is read off the recorded windows (docs/schedule.md): no cell
// is measured again. The fake clock moves 0.1 s on every reading, so the windows lie apart in time.
const SIDE: Partial<RunConfig> = { schedule: 'side-by-side', seed: 7, repeat: 6, scenarios: ['json', 'db', 'slow-db'], dbLatenciesMs: [0, 10] };

function ticking(): () => Date {
  let clockMs = Date.parse('2026-11-21T00:00:00.000Z');
  return () => {
    clockMs += 100;
    return new Date(clockMs);
  };
}

const level = (id: string) => (id.startsWith('flask') ? 900 : 4000) * (id.includes('slow-db') ? 0.2 : 1);

describe('the machine trend of a side-by-side run', () => {
  it('records a machine 6% slower every round as drifted, with a DRIFT warning naming the change and its interval', async () => {
    const { results, world } = await runFake({ config: SIDE, now: ticking(), measurement: (id, run) => ({ rps: level(id) * 0.94 ** run }) });
    expect(results.trend).toMatchObject({ rounds: 6, cells: 8, windows: 48, verdict: 'drifted', limit: 0.1 });
    // 0.94^5 = 0.73 from the first round to the last.
    expect(results.trend!.change.estimate).toBeLessThan(-0.2);
    expect(results.trend!.change.estimate).toBeGreaterThan(-0.35);
    expect(results.trend!.change.high).toBeLessThan(-0.1);
    expect(results.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      expect.stringMatching(
        /^DRIFT: the machine was not steady between the start and the end of the run: its speed moved -\d+\.\d% \(95% interval -\d+\.\d% to -\d+\.\d%\) over 6 rounds side by side \(\d+s\), each of 8 cells measured against its own level$/,
      ),
    ]);
    // No drift check: every app started once, and no window after the rounds.
    expect(results.drift).toBeUndefined();
    expect(world.trace.filter((s) => s.startsWith('start '))).toEqual(['start flask', 'start fastapi']);
    expect(world.trace.filter((s) => s.startsWith('measure '))).toHaveLength(6 * 8);
  });

  it('records a steady machine as steady, with no warning, and the speed of every round', async () => {
    const { results } = await runFake({ config: SIDE, now: ticking(), measurement: (id) => ({ rps: level(id) }) });
    expect(results.trend?.verdict).toBe('steady');
    for (const share of Object.values(results.trend!.change)) expect(share).toBeCloseTo(0, 12);
    expect(results.trend!.perRound.map((r) => [r.round, r.cells, Number(r.change.toFixed(12))])).toEqual([0, 1, 2, 3, 4, 5].map((r) => [r, 8, 0]));
    expect(results.warnings).toEqual([]);
  });

  it('leaves a cell that failed out of the trend', async () => {
    const { results } = await runFake({ config: SIDE, now: ticking(), failVerify: ['fastapi/db/c64'], measurement: (id) => ({ rps: level(id) }) });
    expect(results.trend).toMatchObject({ cells: 7, windows: 42 });
  });

  it('has no trend without time between the windows (a clock that stands still), and measures nothing again', async () => {
    const { results, world } = await runFake({ config: SIDE });
    expect(results.trend).toBeUndefined();
    expect(world.trace.filter((s) => s.startsWith('measure '))).toHaveLength(6 * 8);
  });

  it('the restart schedule keeps its drift check and records no trend', async () => {
    const { results, world } = await runFake({ config: { repeat: 3 }, now: ticking() });
    expect(results.trend).toBeUndefined();
    expect(results.drift).toMatchObject({ cellId: 'flask/json/c64', flagged: false });
    // 2 cells x 2 frameworks x 3 rounds, and the drift check's window.
    expect(world.trace.filter((s) => s.startsWith('measure '))).toHaveLength(2 * 2 * 3 + 1);
  });
});
