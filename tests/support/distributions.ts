import type { Rng } from '../../harness/util/random.ts';

/** A standard normal draw (Box-Muller) from a seeded source. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** `count` log-normal draws: `median` times e to the power of a normal with sd `sigma` (about the CV for small sigma). */
export function logNormal(rng: Rng, count: number, median: number, sigma: number): number[] {
  return Array.from({ length: count }, () => median * Math.exp(sigma * normal(rng)));
}
