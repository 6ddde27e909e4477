import { describe, expect, it } from 'vitest';
import { type CellPlan, planCells } from '../harness/plan.ts';
import { planSideBySide, type SideBySideWindow, shapeOf, shuffled } from '../harness/plan-side-by-side.ts';
import { seededRng as seededRandom } from '../harness/util/random.ts';
import { makeConfig, makeScenarios } from './support/factories.ts';

const FRAMEWORKS = ['django', 'drf', 'flask', 'fastapi'];
/** json, db and slow-db at 0 and 10 ms, on the direct path and through a 0.5 ms round trip (json on the direct path only). */
const config = makeConfig({ frameworks: FRAMEWORKS, scenarios: ['json', 'db', 'slow-db'], dbLatenciesMs: [0, 10], dbRttMs: [0, 0.5] });
const cells: CellPlan[] = FRAMEWORKS.flatMap((f) => planCells(config, makeScenarios(), f));
const order = (windows: SideBySideWindow[]) => windows.map((w) => w.cell.id);

describe('planSideBySide', () => {
  const plan = planSideBySide(cells, 5, 42);

  it('makes one block per round trip, each starting every framework in the run order with its cells at that round trip', () => {
    expect(plan.seed).toBe(42);
    expect(plan.blocks.map((b) => b.dbRttMs)).toEqual([undefined, 0.5]);
    for (const block of plan.blocks) {
      expect(block.frameworks).toEqual(FRAMEWORKS);
      expect(block.cells.every((c) => c.dbRttMs === block.dbRttMs)).toBe(true);
      expect(block.rounds).toHaveLength(5);
    }
    expect(plan.blocks.flatMap((b) => b.cells)).toHaveLength(cells.length);
  });

  it('visits every shape once per round, measuring each framework once, the frameworks of a shape back to back', () => {
    for (const block of plan.blocks) {
      const shapes = [...new Set(block.cells.map(shapeOf))];
      expect(shapes.length).toBe(block.dbRttMs ? 3 : 4);
      block.rounds.forEach((windows, round) => {
        expect(windows.every((w) => w.round === round)).toBe(true);
        // Every cell of the block exactly once.
        expect(order(windows).sort()).toEqual(block.cells.map((c) => c.id).sort());
        // Consecutive runs of one shape: as many runs as shapes, each holding every framework once.
        const runs: SideBySideWindow[][] = [];
        for (const w of windows) {
          if (runs.at(-1)?.[0]?.shape === w.shape) runs.at(-1)!.push(w);
          else runs.push([w]);
        }
        expect(runs.map((r) => r[0]!.shape).sort()).toEqual([...shapes].sort());
        for (const run of runs) {
          expect(run.map((w) => w.cell.framework).sort()).toEqual([...FRAMEWORKS].sort());
          expect(run.every((w) => shapeOf(w.cell) === w.shape)).toBe(true);
        }
      });
    }
  });

  it('orders every round afresh: the shapes and the frameworks within a shape change between rounds', () => {
    const rounds = plan.blocks[0]!.rounds;
    expect(new Set(rounds.map((w) => order(w).join(' '))).size).toBe(rounds.length);
    const shapeOrders = rounds.map((w) => [...new Set(w.map((x) => x.shape))].join(' '));
    expect(new Set(shapeOrders).size).toBeGreaterThan(1);
    const firstOfDb = rounds.map((w) => w.find((x) => x.shape === 'db/c64')!.cell.framework);
    expect(new Set(firstOfDb).size).toBeGreaterThan(1);
  });

  it('gives the same order for the same seed and a different one for another seed', () => {
    const again = planSideBySide(cells, 5, 42);
    expect(again).toEqual(plan);
    const other = planSideBySide(cells, 5, 43);
    expect(other.blocks.map((b) => b.rounds.map(order))).not.toEqual(plan.blocks.map((b) => b.rounds.map(order)));
  });

  it('plans nothing without cells, and no rounds for zero rounds', () => {
    expect(planSideBySide([], 3, 1).blocks).toEqual([]);
    expect(planSideBySide(cells, 0, 1).blocks.every((b) => b.rounds.length === 0)).toBe(true);
  });
});

describe('shuffled', () => {
  it('returns a permutation and leaves its input alone', () => {
    const items = ['a', 'b', 'c', 'd'];
    const out = shuffled(items, seededRandom(1));
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd']);
  });

  it('makes every order about equally likely (an off-by-one in Fisher-Yates would not)', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    const draws = 6000;
    for (let i = 0; i < draws; i++) {
      const key = shuffled(['a', 'b', 'c'], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // 1000 expected per order; a binomial standard deviation is about 29, so 850-1150 is over 5 of them.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(850);
      expect(n).toBeLessThan(1150);
    }
  });
});
