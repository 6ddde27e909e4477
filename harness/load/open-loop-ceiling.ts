/**
 * The open-loop generator's own ceiling: the highest offered rate it sustains against a server
 * that does almost nothing (on the app's CPUs), with at most 5% of requests late and the achieved
 * rate within 1% of the one due. An open-loop cell offered more than OPEN_LOOP_CEILING_SHARE of it
 * measured the generator as much as the app. See docs/open-loop.md.
 */
import { fileURLToPath } from 'node:url';
import type { CeilingProbe } from '../ceilings/ceilings.ts';
import type { CpuLayout } from '../cpu/layout.ts';
import type { Ceiling } from '../results/schema.ts';
import { startNodeServer } from '../util/node-child.ts';
import { DEFAULT_SEED, DEFAULT_TIMEOUT_S, LATE_TOLERANCE_MS, runOpenLoop } from './open-loop.ts';
import { normalizeOpenLoop, OPEN_LOOP_ACHIEVED_SHORTFALL_MAX, OPEN_LOOP_CEILING_LATE_SHARE_MAX, openLoopShortfall } from './open-loop-normalize.ts';
import type { OpenLoopRaw } from './open-loop-raw.ts';

const TRIVIAL_SERVER = fileURLToPath(new URL('../ceilings/trivial-server-child.ts', import.meta.url));

// Pure and needed by the analysis, so they live with the normalisation; re-exported here.
export { nearOpenLoopCeiling, OPEN_LOOP_CEILING_SHARE } from './open-loop-normalize.ts';

/** One probed rate and whether the generator kept up. */
export interface CeilingStep {
  offeredRps: number;
  achievedRps: number;
  /** Late requests of both kinds. */
  late: number;
  scheduled: number;
  sustained: boolean;
}

/** `1,000: 0.4% late`, `2,000: 6.1% late, achieved 1,870/s`: one step for the ceiling's note. */
export function stepText(s: CeilingStep): string {
  const late = `${((s.scheduled > 0 ? s.late / s.scheduled : 0) * 100).toFixed(1)}% late`;
  const achieved = s.sustained ? '' : `, achieved ${Math.round(s.achievedRps)}/s`;
  return `${Math.round(s.offeredRps)}: ${late}${achieved}${s.sustained ? '' : ' (fell behind)'}`;
}

export interface CeilingSearch {
  /** First rate tried, requests/s. */
  startRps: number;
  /** Each step multiplies the rate by this until the generator falls behind. */
  growth: number;
  /** Never offer more than this (bounds the run). */
  maxRps: number;
  /** Bisection steps between the last sustained and the first failed rate. */
  refineSteps: number;
}

/** Starts at 1,000 requests/s and doubles: 2^7 = 128,000 is beyond any single Node event loop. */
export const DEFAULT_CEILING_SEARCH: CeilingSearch = { startRps: 1000, growth: 2, maxRps: 128_000, refineSteps: 2 };

/**
 * Pure: did the generator keep up in this run? The cells' rule (openLoopShortfall) as a ceiling
 * step: every late request counted, whoever held it, up to 5%; no error allowed (the server here
 * does nothing).
 */
export function stepFromRaw(raw: OpenLoopRaw): CeilingStep {
  const m = normalizeOpenLoop(raw);
  const sustained = raw.scheduled > 0 && raw.errors === 0 && openLoopShortfall(m, { ceilingSearch: true }) === undefined;
  return { offeredRps: raw.job.rateRps, achievedRps: m.achievedRps ?? 0, late: raw.late + raw.lateGenerator, scheduled: raw.scheduled, sustained };
}

/**
 * Pure search over an injected probe: grow the rate until a step fails, then bisect between the
 * last good and the first bad rate. Returns the highest sustained rate (0 when even the first failed).
 */
export async function searchCeiling(
  probe: (rateRps: number) => Promise<CeilingStep>,
  s: CeilingSearch = DEFAULT_CEILING_SEARCH,
): Promise<{ rps: number; steps: CeilingStep[] }> {
  const steps: CeilingStep[] = [];
  let good = 0;
  let bad: number | undefined;
  for (let rate = s.startRps; rate <= s.maxRps; rate *= s.growth) {
    const step = await probe(rate);
    steps.push(step);
    if (!step.sustained) {
      bad = rate;
      break;
    }
    good = rate;
  }
  if (bad !== undefined) {
    let low = good;
    let high = bad;
    for (let i = 0; i < s.refineSteps; i++) {
      const mid = Math.round((low + high) / 2);
      if (mid <= low || mid >= high) break;
      const step = await probe(mid);
      steps.push(step);
      if (step.sustained) low = mid;
      else high = mid;
    }
    good = low;
  }
  return { rps: good, steps };
}

export interface OpenLoopCeilingOptions {
  connections: number;
  warmupS: number;
  durationS: number;
  arrival: 'constant' | 'poisson';
  search?: CeilingSearch;
  /** Checked before each step: a dead database or Ctrl-C ends the search. */
  signal?: AbortSignal | undefined;
}

/**
 * Measures the open-loop generator's ceiling on the load generator's CPUs against the trivial
 * server on the app's CPUs. Bounded: at most log2(maxRps / startRps) + 1 + refineSteps runs.
 */
export async function measureOpenLoopCeiling(layout: CpuLayout, pin: boolean, o: OpenLoopCeilingOptions): Promise<{ ceiling: Ceiling; steps: CeilingStep[] }> {
  const search = o.search ?? DEFAULT_CEILING_SEARCH;
  const server = await startNodeServer({
    script: TRIVIAL_SERVER,
    args: ['0'],
    cpus: layout.appCpus,
    pin,
    timeoutS: 3600,
    what: 'trivial server (open-loop ceiling)',
  });
  try {
    const url = `http://127.0.0.1:${server.port}/json`;
    const probe = async (rateRps: number) => {
      o.signal?.throwIfAborted();
      return stepFromRaw(
        await runOpenLoop(
          {
            url,
            connections: o.connections,
            rateRps,
            arrival: o.arrival,
            seed: DEFAULT_SEED,
            warmupS: o.warmupS,
            durationS: o.durationS,
            timeoutS: DEFAULT_TIMEOUT_S,
            lateToleranceMs: LATE_TOLERANCE_MS,
          },
          layout.loadgenCpus,
          pin,
          { signal: o.signal },
        ),
      );
    };
    const { rps, steps } = await searchCeiling(probe, search);
    const capped = steps.every((s) => s.sustained);
    return {
      ceiling: {
        kind: 'loadgen',
        generator: 'open-loop',
        connections: o.connections,
        rps,
        note:
          `open-loop generator (${o.arrival}) against a canned-response server on CPU ${layout.appCpus.join(',')}: highest rate with at most ` +
          `${OPEN_LOOP_CEILING_LATE_SHARE_MAX * 100}% late (> ${LATE_TOLERANCE_MS} ms) and achieved within ${OPEN_LOOP_ACHIEVED_SHORTFALL_MAX * 100}% of the rate due` +
          (capped ? `; never fell behind up to ${search.maxRps} requests/s, the real ceiling is higher` : '') +
          (rps === 0 ? `; fell behind at every rate tried, down to ${Math.min(...steps.map((s) => s.offeredRps))} requests/s` : '') +
          `; steps (requests/s): ${steps.map(stepText).join('; ')}`,
      },
      steps,
    };
  } finally {
    await server.stop();
  }
}

/** What the open-loop ceiling is measured for: the cells' connection count and spacing. */
export interface OpenLoopCeilingJob {
  connections: number;
  arrival: 'constant' | 'poisson';
}

export type OpenLoopCeilingProbe = CeilingProbe<OpenLoopCeilingJob>;

/**
 * Seconds per step of the ceiling search. Short on purpose: the search runs up to
 * log2(maxRps / startRps) + 1 + refineSteps load runs, and at 1,000 req/s or more 3 s hold
 * 3,000+ requests, enough to see the 1% late share that ends a step.
 */
export const OPEN_LOOP_CEILING_TIMING = { warmupS: 1, durationS: 3 } as const;

/** measureOpenLoopCeiling behind the CeilingProbe seam, like the other ceilings; aborts between steps when `signal` fires. */
export function openLoopCeilingProbe(
  layout: CpuLayout,
  pin: boolean,
  timing: { warmupS: number; durationS: number } = OPEN_LOOP_CEILING_TIMING,
): OpenLoopCeilingProbe {
  return {
    name: 'open-loop',
    async measure(job, signal) {
      signal?.throwIfAborted();
      const { ceiling } = await measureOpenLoopCeiling(layout, pin, { ...job, ...timing, signal });
      return ceiling;
    },
  };
}
