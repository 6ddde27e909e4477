import type { TrendCell } from '../../harness/analysis/trend.ts';
import { shuffled } from '../../harness/plan-side-by-side.ts';
import { type Rng, seededRng } from '../../harness/util/random.ts';

/** A standard normal draw (Box-Muller) from a seeded source. */
export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export interface Synthetic {
  rounds: number;
  cells: number;
  /** The machine's speed: log change per second (0: flat). */
  logPerS: number;
  /** The sd of each window's own noise, in log (0.05: about 5%). */
  noise: number;
  seed: number;
  /** The sd of a shock shared by every window of a round, in log. */
  roundShock?: number;
  /** Each cell's level of requests/s (default: 1000 for every cell). */
  level?: (cell: number) => number;
  /** The rounds each cell is measured in (default: all): a column that stopped early. */
  roundsOf?: (cell: number) => number;
  /** Seconds per window (warm-up and measured). */
  windowS?: number;
  /** An extra log change for one round: a dip. */
  roundOffset?: (round: number) => number;
  dbRttMs?: number;
  /** Seconds from the epoch to the first window. */
  startS?: number;
}

/**
 * Side-by-side windows by construction: every round visits the cells still measured in a
 * seeded random order, one window after the other, and each window reads the cell's level
 * times the machine's speed at its start, times noise.
 */
export function syntheticRun(o: Synthetic): TrendCell[] {
  const rng = seededRng(o.seed);
  const windowS = o.windowS ?? 3;
  const cells: TrendCell[] = Array.from({ length: o.cells }, (_, i) => ({
    id: `f${i}/json/c64`,
    status: 'ok',
    rateSpec: undefined,
    dbRttMs: o.dbRttMs,
    repeats: [],
  }));
  let clockS = o.startS ?? 1_800_000_000;
  for (let round = 0; round < o.rounds; round++) {
    const shock = (o.roundShock ?? 0) * normal(rng) + (o.roundOffset?.(round) ?? 0);
    const active = cells.map((_, i) => i).filter((i) => round < (o.roundsOf?.(i) ?? o.rounds));
    for (const i of shuffled(active, rng)) {
      const elapsedS = clockS - (o.startS ?? 1_800_000_000);
      const rps = (o.level?.(i) ?? 1000) * Math.exp(o.logPerS * elapsedS + shock + o.noise * normal(rng));
      (cells[i]!.repeats as { startedAt: string; measurement: { rps: number } }[]).push({
        startedAt: new Date(clockS * 1000).toISOString(),
        measurement: { rps },
      });
      clockS += windowS;
    }
  }
  return cells;
}

/** The log change per second that makes a run of `rounds` x `cells` windows of `windowS` move by `change` from its first window to its last. */
export function perSecond(change: number, rounds: number, cells: number, windowS = 3): number {
  return Math.log1p(change) / ((rounds * cells - 1) * windowS);
}
