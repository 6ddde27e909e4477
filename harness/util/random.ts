/** A source of uniform numbers in [0, 1). Passed in, so every use of chance is reproducible. */
export type Rng = () => number;

/**
 * Pure: a seeded generator (mulberry32: 32 bits of state, period 2^32). The bootstrap draws
 * a few hundred thousand numbers per interval at most, far below its period, and needs
 * uniformity, not cryptographic strength. The same seed always gives the same sequence.
 */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pure: a seed from a text and a base seed (FNV-1a), so each cell draws its own sequence. */
export function seedFor(text: string, base: number): number {
  let hash = (2166136261 ^ base) >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash;
}
