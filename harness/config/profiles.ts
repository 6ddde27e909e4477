import type { OpenLoopConfig } from './rates.ts';
import type { StoppingDefaults } from './schedule.ts';

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
  /** slow-db database latencies (ms) this profile sweeps: at least three, so every run shows the crossover. */
  slowDbMs: readonly number[];
  /**
   * Shorter load runs for slow-db cells from `fromMs` on. There the connection pool, not the
   * framework, sets the rate (Little's law: cap / latency), so repeats agree closely and the
   * seconds are better spent on the cells where frameworks differ. Ignored when the user
   * sets --duration or --warmup.
   */
  boundTiming?: BoundTiming;
  /** Round trips added between app and database, in ms (--db-rtt); 0 is the direct path. */
  dbRttMs: readonly number[];
  /** The open-loop latency sweep (docs/open-loop.md): slow-db at the same latencies, at fixed offered rates. */
  openLoop?: OpenLoopConfig;
  /** --schedule side-by-side: the precision its rounds aim for and the seconds they may take (docs/schedule.md). */
  stopping: StoppingDefaults;
  /**
   * --schedule side-by-side: the closed-loop windows' timing. The apps stay up and warm between
   * windows, so a window needs only a short ramp, and many short windows spread the machine's
   * changes of speed over every framework (docs/schedule.md, "Window timing"). The ceilings
   * and the open-loop cells keep the timing above.
   */
  window: WindowTiming;
  /**
   * The apps a run takes without --frameworks: `quick`, the six base apps (every base app whose
   * manifest does not say `"defaultRun": false`), so the default run keeps its budget; `all`,
   * every app, variants included (harness/apps/catalog.ts, docs/variants.md).
   */
  apps: 'quick' | 'all';
}

/** The timing of one side-by-side window: a ramp and a measured slice; `bound` for latency-bound slow-db cells. */
export interface WindowTiming {
  warmupS: number;
  durationS: number;
  bound?: BoundTiming;
}

/** Load-run timing for latency-bound slow-db cells. */
export interface BoundTiming {
  fromMs: number;
  warmupS: number;
  durationS: number;
}

export const PROFILES = {
  /*
   * The default run, `npm run bench`: every framework, every scenario, and a slow-db sweep
   * wide enough to show the crossover on 2 cores. With a pool of 10, the frameworks' own /db
   * rates (about 450-4,300 req/s here; DRF's was as low as 455) predict crossovers between
   * about 2 and 22 ms (10 / rate), and the sweep must reach twice the largest
   * (analysis/sweep-placement.ts): 0, 5, 10, 20 and 50 ms. A slower machine's run adds
   * latencies once its db cells are measured. Budget: at most 5 minutes on a fresh clone of a
   * 2-core machine, installs and image builds included (README): about 3.5 s per cell, so 1 s
   * warm-up and 2 s measured, and 1 s for the latency-bound cells (at 5 ms the pool alone
   * serves 2,000 requests a second). A smoke test and the headline at a glance; the standard
   * profile is the one to cite.
   */
  quick: {
    durationS: 2,
    warmupS: 1,
    connections: [64],
    repeat: 1,
    slowDbMs: [0, 5, 10, 20, 50],
    boundTiming: { fromMs: 5, warmupS: 1, durationS: 1 },
    dbRttMs: [0],
    // ±5% is what a smoke test can decide in about two and a half minutes of rounds.
    stopping: { targetHalfWidth: 0.05, budgetS: 150 },
    // Measured (docs/schedule.md, "Window timing"): 0.2 s + 0.5 s windows varied 10-32% from round to round, 0.5 s + 1.5 s 4-30%.
    window: { warmupS: 0.5, durationS: 1.5, bound: { fromMs: 5, warmupS: 0.5, durationS: 1 } },
    apps: 'quick',
  },
  /*
   * What a blog post should cite: long enough for a stable median, three repeats for the spread.
   * Its latency sweep offers every framework the same Poisson load at 50% of the sweep's
   * capacity: the slowest framework's lowest closed-loop slow-db rate over the sweep, which is
   * at 50 ms, where the pool of 10 serves at most 10 / 50 ms = 200 req/s. A rate taken from
   * the 0 ms cells (hundreds of req/s) would overrun that pool from about 20 ms on, so every
   * framework would be unsustained exactly where the latencies should converge and the
   * crossover could not be placed. At 50% the pool is half busy at 50 ms (an M/D/c queue at
   * rho 0.5 barely waits), while at 0 ms the slowest app still spends a measurable share of
   * each request in its own code, which is the gap the crossover watches close.
   */
  standard: {
    durationS: 10,
    warmupS: 3,
    connections: [64],
    repeat: 3,
    slowDbMs: [0, 1, 2, 5, 10, 20, 50],
    boundTiming: { fromMs: 5, warmupS: 2, durationS: 5 },
    dbRttMs: [0, 0.5],
    openLoop: { arrival: 'poisson', rates: ['50%'] },
    // ±2% separates frameworks a blog post would call equal from ones it would not; 20 minutes of rounds per round trip at most.
    stopping: { targetHalfWidth: 0.02, budgetS: 1200 },
    // Not measured apart from the restart timing yet: the same windows.
    window: { warmupS: 3, durationS: 10, bound: { fromMs: 5, warmupS: 2, durationS: 5 } },
    apps: 'all',
  },
  full: {
    durationS: 30,
    warmupS: 10,
    connections: [16, 64, 256],
    repeat: 5,
    slowDbMs: [0, 1, 2, 5, 10, 20, 50],
    boundTiming: { fromMs: 5, warmupS: 5, durationS: 15 },
    dbRttMs: [0, 0.5, 1],
    stopping: { targetHalfWidth: 0.01, budgetS: 3600 },
    window: { warmupS: 10, durationS: 30, bound: { fromMs: 5, warmupS: 5, durationS: 15 } },
    apps: 'all',
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
