import type { SampledTarget } from '../resources/sampler.ts';
import type { Measurement, Usage } from '../results/schema.ts';

/**
 * One load run against one URL. Closed-loop generators (autocannon, wrk) keep
 * `connections` requests in flight; open-loop ones send at `rateRps` on a schedule.
 */
export interface LoadJob {
  url: string;
  connections: number;
  /** Closed loop: requests in flight per connection (HTTP pipelining); undefined: 1. */
  pipelining?: number | undefined;
  warmupS: number;
  durationS: number;
  /** CPUs the generator is pinned to (when pinning is available). */
  cpus: number[];
  /** Seconds to wait for one response before counting a timeout (default 10). */
  timeoutS?: number | undefined;
  /** Open loop only: the offered rate, requests per second. */
  rateRps?: number | undefined;
  /** Open loop only: how requests are spaced. */
  arrival?: 'constant' | 'poisson' | undefined;
  /** Told when the warm-up is over and the measured window starts (the neighbour watch re-bases on it); not sent to the child. */
  onMeasureStart?: (() => void) | undefined;
}

/** What every load generator returns: the normalised measurement, usage of the sampled parties, and its raw output. */
export interface LoadResult {
  measurement: Measurement;
  /** CPU and memory of `targets` and of the generator itself (`loadgen`) over the measured window. */
  usage: Partial<Record<SampledTarget['name'], Usage>>;
  /** The tool's untouched output, saved under raw/ before anything is derived from it. */
  raw: unknown;
}

/** A load generator behind one seam: autocannon, wrk, the open-loop generator, or a fake in tests. */
export interface LoadGenerator {
  /** `autocannon`, `wrk`, `open-loop`, ...: recorded with every measurement. */
  readonly name: string;
  /** Rejects with the abort reason when `signal` fires (the app or the database died, or Ctrl-C). */
  run(job: LoadJob, targets: SampledTarget[], signal?: AbortSignal): Promise<LoadResult>;
  /** Stops what the generator keeps between runs (a long-lived process); runs after it start afresh. */
  close?(): Promise<void>;
}
