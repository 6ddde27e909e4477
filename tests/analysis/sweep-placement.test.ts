import { describe, expect, it } from 'vitest';
import { MAX_ADDED_MS, nextLadderMs, placeSweep, sweepPredictions } from '../../harness/analysis/sweep-placement.ts';
import { makeAppRecord, makeCell, makeResults } from '../support/factories.ts';

// Where the slow-db sweep must reach (docs/analysis.md, "Where the sweep is placed"): the
// prediction C / X per framework, and latencies added until the sweep reaches twice the largest.

/** A run whose db cells measured `rps` per framework, every app holding `pool` connections. */
function measured(rps: Record<string, number>, pool = 10) {
  const cells = Object.entries(rps).map(([framework, r]) => makeCell({ framework, scenario: 'db', kind: 'db', rps: [r * 0.98, r, r * 1.02] }));
  const results = makeResults(cells);
  for (const framework of Object.keys(rps)) results.apps[framework] = makeAppRecord(framework, { concurrencyLimit: pool });
  return results;
}

describe('nextLadderMs', () => {
  it('walks the 1-2-5 ladder', () => {
    const walk = [0];
    while (walk.at(-1)! < 500) walk.push(nextLadderMs(walk.at(-1)!));
    expect(walk).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 500]);
    expect(nextLadderMs(7)).toBe(10);
    expect(nextLadderMs(0.5)).toBe(1);
  });
});

describe('sweepPredictions', () => {
  it('predicts C / X for each framework from the median of its db repeats, largest first', () => {
    const p = sweepPredictions(measured({ starlette: 4000, drf: 455 }));
    expect(p.map((x) => x.framework)).toEqual(['drf', 'starlette']);
    expect(p[0]!.predictedMs).toBeCloseTo((1000 * 10) / 455, 6);
    expect(p[1]!.predictedMs).toBeCloseTo(2.5, 6);
    expect(p[0]!.poolConnections).toBe(10);
  });

  it('leaves out failed and unmeasured db cells and apps without settings', () => {
    const results = measured({ flask: 1000 });
    results.cells.push(makeCell({ framework: 'drf', scenario: 'db', kind: 'db', rps: [] }));
    results.cells.push(makeCell({ framework: 'ghost', scenario: 'db', kind: 'db', rps: [10] }));
    expect(sweepPredictions(results).map((p) => p.framework)).toEqual(['flask']);
  });
});

describe('placeSweep', () => {
  it('extends the quick sweep when the slowest framework predicts a crossover beyond half its reach', () => {
    // DRF at 455 req/s with a pool of 10: 22 ms, so the sweep must reach 44 ms: 50 is added.
    const placement = placeSweep(measured({ starlette: 4000, drf: 455 }), [0, 5, 10, 20], false)!;
    expect(placement.addedMs).toEqual([50]);
    expect(placement.brackets).toBe(true);
    expect(placement.targetMs).toBeCloseTo(44, 0);
    expect(placement.line).toMatch(/^Sweep extended to 50 ms: the largest predicted crossover is drf's, 22 ms \(10 connections \/ 455 req\/s on db\)/);
  });

  it('adds nothing when the sweep already reaches twice every prediction, and says by how much it does', () => {
    const placement = placeSweep(measured({ starlette: 4000, flask: 1000 }), [0, 5, 10, 20], false)!;
    expect(placement.addedMs).toEqual([]);
    expect(placement.brackets).toBe(true);
    expect(placement.line).toContain('reaches 2.0x flask');
  });

  it('adds several steps for a slow framework and stops at the cap, saying the sweep may end early', () => {
    expect(placeSweep(measured({ slow: 100 }), [0, 5, 10, 20], false)!.addedMs).toEqual([50, 100, 200]);
    // 10 req/s with a pool of 10: 1 s predicted; nothing beyond the cap is added.
    const capped = placeSweep(measured({ crawl: 10 }), [0, 5, 10, 20], false)!;
    expect(Math.max(...capped.addedMs)).toBe(MAX_ADDED_MS);
    expect(capped.brackets).toBe(false);
    expect(capped.line).toContain('may be the sweep');
  });

  it("never extends the user's --db-latencies, and says what the sweep lacks", () => {
    const placement = placeSweep(measured({ drf: 455 }), [0, 5, 10], true)!;
    expect(placement.addedMs).toEqual([]);
    expect(placement.brackets).toBe(false);
    expect(placement.line).toContain('add latencies up to 44 ms');
  });

  it('places nothing without a measured db cell', () => {
    expect(placeSweep(makeResults([]), [0, 5], false)).toBeUndefined();
  });
});
