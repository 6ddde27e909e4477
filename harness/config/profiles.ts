/** Defaults per profile; every one can be overridden on the command line. */
export interface Profile {
  /** Measured seconds per cell, after the warm-up. */
  durationS: number;
  /** Seconds of load before measuring, discarded: fills pools, caches and JIT-less interpreters' caches. */
  warmupS: number;
  /** Open connections from the load generator. */
  connections: number[];
  /** Measurements per cell; the median is reported. */
  repeat: number;
  /** Sweep slow-db over the scenario's sweepMs instead of its single dbLatencyMs. */
  sweepSlowDb: boolean;
  /** Round trips added between app and database, in ms (--db-rtt); 0 is the direct path. */
  dbRttMs: readonly number[];
}

export const PROFILES = {
  // 24 cells x (2 s warm-up + 5 s measured) plus start-ups stays under 5 minutes on 2 cores.
  quick: { durationS: 5, warmupS: 2, connections: [64], repeat: 1, sweepSlowDb: false, dbRttMs: [0] },
  // What a blog post should cite: long enough for a stable median, three repeats for the spread.
  standard: { durationS: 10, warmupS: 3, connections: [64], repeat: 3, sweepSlowDb: true, dbRttMs: [0, 0.5] },
  full: { durationS: 30, warmupS: 10, connections: [16, 64, 256], repeat: 5, sweepSlowDb: true, dbRttMs: [0, 0.5, 1] },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
