/**
 * Pure: the side-by-side schedule of the closed-loop cells (docs/schedule.md). Every app is
 * started once per database round trip and stays up; a round visits every cell shape of
 * that round trip once, and measures the frameworks of a shape back to back, so the windows
 * compared with each other are seconds apart. Shapes and frameworks are shuffled afresh in
 * every round by a seeded generator: the same cells and seed give the same order.
 */

import type { CellPlan } from './plan.ts';
import { seededRng } from './util/random.ts';

/** One load run: repeat `round` of `cell`. */
export interface SideBySideWindow {
  round: number;
  /** The cell's id without its framework (`db/c64`, `slow-db/c64/10ms/rtt0.5`): what the frameworks of a shape share. */
  shape: string;
  cell: CellPlan;
}

/** The apps started together against one database round trip, and the rounds measured on them. */
export interface SideBySideBlock {
  /** Undefined: the direct path. */
  dbRttMs: number | undefined;
  /** In the run's order: the order the apps are started and their cells verified. */
  frameworks: string[];
  /** Every closed-loop cell at this round trip, in plan order. */
  cells: CellPlan[];
  /** Per round, its windows in the order they are measured. */
  rounds: SideBySideWindow[][];
}

export interface SideBySidePlan {
  seed: number;
  /** Rounds always measured before the rounds may stop by precision (pipeline/run-plan.ts minRounds). */
  minRounds: number;
  blocks: SideBySideBlock[];
  /**
   * Seconds these rounds may take in all, when not the run's budget: the sweep's extension
   * (pipeline/sweep.ts) gets its cells' share. Split over the blocks like the budget.
   */
  budgetS?: number | undefined;
  /** The sweep's extension: its rounds record is merged into the one of the same round trip. */
  extension?: boolean | undefined;
}

/** `fastapi/slow-db/c64/10ms` -> `slow-db/c64/10ms`. */
export function shapeOf(cell: Pick<CellPlan, 'id' | 'framework'>): string {
  return cell.id.slice(cell.framework.length + 1);
}

/** Fisher-Yates with `random`: a new array, every order equally likely. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Groups `items` by `key`, keeping the order in which each key first appears. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups];
}

/**
 * The blocks (one per round trip, in plan order) and their `rounds` rounds. `cells` are the
 * closed-loop cells of every framework; open-loop cells keep the restart schedule.
 */
export function planSideBySide(cells: readonly CellPlan[], rounds: number, seed: number, minRounds = rounds): SideBySidePlan {
  // One stream for the whole plan: each round draws fresh numbers, so its order is independent of the rounds before it.
  const random = seededRng(seed);
  const blocks = groupBy(cells, (c) => c.dbRttMs).map(([dbRttMs, atRtt]): SideBySideBlock => {
    const shapes = groupBy(atRtt, shapeOf);
    const planned: SideBySideWindow[][] = [];
    for (let round = 0; round < rounds; round++) {
      planned.push(shuffled(shapes, random).flatMap(([shape, ofShape]) => shuffled(ofShape, random).map((cell) => ({ round, shape, cell }))));
    }
    return { dbRttMs, frameworks: [...new Set(atRtt.map((c) => c.framework))], cells: atRtt, rounds: planned };
  });
  return { seed, minRounds: Math.min(minRounds, rounds), blocks };
}
