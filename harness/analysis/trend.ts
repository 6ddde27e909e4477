import type { Cell } from '../results/schema.ts';
import type { MachineTrend } from '../results/trend-schema.ts';
import { type Rng, seededRng, seedFor } from '../util/random.ts';
import { bootstrapInterval, DEFAULT_LEVEL, DEFAULT_RESAMPLES, MIN_SAMPLE, percentileInterval } from './intervals.ts';
import { ANALYSIS_SEED } from './ratios.ts';

/**
 * A run whose machine moved by more than this between its start and its end is flagged
 * (`DRIFT`): thermal throttling, a noisy neighbour or a leaking app would show up here. 10%
 * is twice the noise threshold for a single cell (NOISY_CV in analysis/stats.ts).
 */
export const DRIFT_LIMIT = 0.1;

/** The 97.5% point of Student's t with 1 to 30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const Z975 = 1.959964;

/** The 97.5% point of t with `df` degrees of freedom: the table, then its expansion in 1/df (within 1e-4 beyond 30). */
export function t975(df: number): number {
  if (df <= T975.length) return T975[Math.max(1, Math.round(df)) - 1]!;
  const z = Z975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/**
 * How far the resampled slopes are stretched about the estimate. The bootstrap over R rounds
 * underrates the variance by (R - 1) / R, and a line through R rounds leaves R - 2 degrees of
 * freedom, not the normal's infinity: at 8 rounds the plain percentile interval covered the
 * true change 88% of the time in simulation, 65% at 3 rounds; stretched, 95-96% (docs/schedule.md).
 */
export function expansion(rounds: number): number {
  return (t975(rounds - 2) / Z975) * Math.sqrt(rounds / (rounds - 1));
}

/** What the trend reads of a cell: its closed-loop windows, each with its start and requests/s. */
export type TrendCell = Pick<Cell, 'id' | 'status' | 'rateSpec' | 'dbRttMs'> & {
  repeats: readonly { startedAt: string; measurement: { rps: number } }[];
};

export interface TrendOptions {
  /** The bootstrap's seed; a fixed one by default, so the same results give the same interval. */
  seed?: number | undefined;
  resamples?: number | undefined;
}

/** The windows that go in, as parallel arrays: which cell, which round, when (s since the first) and log requests/s. */
interface Windows {
  cell: Int32Array;
  round: Int32Array;
  t: Float64Array;
  y: Float64Array;
  cells: number;
  rounds: { dbRttMs: number | undefined; round: number; block: number }[];
  spanS: number;
}

/** Pure: `steady` within ±limit, `drifted` wholly beyond it on one side, `undecided` when the interval crosses or touches it. */
export function trendVerdict(change: { low: number; high: number }, limit = DRIFT_LIMIT): MachineTrend['verdict'] {
  if (change.low > -limit && change.high < limit) return 'steady';
  if (change.high < -limit || change.low > limit) return 'drifted';
  return 'undecided';
}

/**
 * Pure: the machine's speed over the side-by-side rounds (docs/schedule.md, "The machine's
 * trend over the rounds"). Every closed-loop cell is compared with itself only, so a fast
 * framework weighs no more than a slow one: the slope of log requests/s against time is
 * fitted within each cell (each cell's times and values taken from its own means) and pooled
 * over the cells. That keeps the slope right when columns stop at different rounds (adaptive
 * stopping), where centring the values alone would not. The change over the run is
 * exp(slope x span) - 1; its 95% interval resamples whole rounds (round r of a round trip is
 * repeat r of its cells). Open-loop and failed cells are left out. Undefined below 3 rounds
 * or 2 cells with 2 windows each, or when the windows have no spread in time.
 */
export function machineTrend(cells: readonly TrendCell[], options: TrendOptions = {}): MachineTrend | undefined {
  const w = collect(cells);
  if (!w || w.rounds.length < MIN_SAMPLE || w.cells < 2 || !(w.spanS > 0)) return undefined;
  const R = w.rounds.length;
  const all = new Float64Array(R).fill(1);
  const slope = slopeOf(w, all);
  if (!Number.isFinite(slope)) return undefined;
  const rng = seededRng(options.seed ?? seedFor('machine-trend', ANALYSIS_SEED));
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const counts = new Float64Array(R);
  const slopes: number[] = [];
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < R; i++) counts[Math.floor(rng() * R)]!++;
    // A resample of one round repeated has no time within any cell: no slope, left out (1 in 9 at 3 rounds, 1 in 625 at 5).
    const s = slopeOf(w, counts);
    if (Number.isFinite(s)) slopes.push(s);
  }
  const toChange = (s: number) => Math.expm1(s * w.spanS);
  const f = expansion(R);
  const spread = Float64Array.from(slopes, (s) => toChange(slope + f * (s - slope)));
  const interval = slopes.length > 0 ? percentileInterval(toChange(slope), spread, DEFAULT_LEVEL) : undefined;
  if (!interval) return undefined;
  const change = { estimate: interval.estimate, low: interval.low, high: interval.high };
  return {
    rounds: R,
    cells: w.cells,
    windows: w.y.length,
    spanS: w.spanS,
    change,
    limit: DRIFT_LIMIT,
    verdict: trendVerdict(change),
    perRound: perRound(w, rng, resamples),
  };
}

/** The windows of ok closed-loop cells with 2 or more usable windows; rounds ordered by their mean start. */
function collect(cells: readonly TrendCell[]): Windows | undefined {
  const used = cells
    .filter((c) => c.status === 'ok' && c.rateSpec === undefined)
    .map((c) => ({
      dbRttMs: c.dbRttMs,
      windows: c.repeats.flatMap((r, round) => {
        const ms = Date.parse(r.startedAt);
        return r.measurement.rps > 0 && Number.isFinite(ms) ? [{ round, ms, y: Math.log(r.measurement.rps) }] : [];
      }),
    }))
    .filter((c) => c.windows.length >= 2);
  const flat = used.flatMap((c, cell) => c.windows.map((x) => ({ ...x, cell, key: `${c.dbRttMs ?? 0}/${x.round}`, dbRttMs: c.dbRttMs })));
  if (flat.length === 0) return undefined;
  const first = Math.min(...flat.map((x) => x.ms));
  const byKey = new Map<string, { dbRttMs: number | undefined; round: number; sumS: number; n: number }>();
  for (const x of flat) {
    const r = byKey.get(x.key) ?? { dbRttMs: x.dbRttMs, round: x.round, sumS: 0, n: 0 };
    r.sumS += (x.ms - first) / 1000;
    r.n++;
    byKey.set(x.key, r);
  }
  const ordered = [...byKey].sort((a, b) => a[1].sumS / a[1].n - b[1].sumS / b[1].n);
  const index = new Map(ordered.map(([key], i) => [key, i]));
  const blocks = [...new Set(ordered.map(([, r]) => r.dbRttMs ?? 0))];
  return {
    cell: Int32Array.from(flat, (x) => x.cell),
    round: Int32Array.from(flat, (x) => index.get(x.key)!),
    t: Float64Array.from(flat, (x) => (x.ms - first) / 1000),
    y: Float64Array.from(flat, (x) => x.y),
    cells: used.length,
    rounds: ordered.map(([, r]) => ({ dbRttMs: r.dbRttMs, round: r.round, block: blocks.indexOf(r.dbRttMs ?? 0) })),
    spanS: (Math.max(...flat.map((x) => x.ms)) - first) / 1000,
  };
}

/**
 * The least-squares slope of log requests/s against seconds, within cells: each window
 * weighted by how often its round was drawn (`weight[round]`), times and values taken from
 * their cell's weighted means. NaN when no cell has windows at two times.
 */
function slopeOf(w: Windows, weight: Float64Array): number {
  const n = new Float64Array(w.cells);
  const sumT = new Float64Array(w.cells);
  const sumY = new Float64Array(w.cells);
  for (let i = 0; i < w.y.length; i++) {
    const k = weight[w.round[i]!]!;
    const c = w.cell[i]!;
    n[c]! += k;
    sumT[c]! += k * w.t[i]!;
    sumY[c]! += k * w.y[i]!;
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < w.y.length; i++) {
    const k = weight[w.round[i]!]!;
    if (k === 0) continue;
    const c = w.cell[i]!;
    const dt = w.t[i]! - sumT[c]! / n[c]!;
    num += k * dt * (w.y[i]! - sumY[c]! / n[c]!);
    den += k * dt * dt;
  }
  // Windows are seconds apart: a spread below a microsecond squared is rounding, not time.
  return den > 1e-12 ? num / den : Number.NaN;
}

/**
 * Per round, the speed against the mean of its round trip's rounds: log requests/s = cell
 * level + round effect, fitted by alternating means (the least-squares fit of that model
 * whatever cells a round holds, so columns that stopped early do not tilt it). No cell is measured on two round trips, so
 * each round trip's rounds are centred on their own mean. The interval resamples the round's
 * cells, their levels held fixed.
 */
function perRound(w: Windows, rng: Rng, resamples: number): MachineTrend['perRound'] {
  const R = w.rounds.length;
  const level = new Float64Array(w.cells);
  const effect = new Float64Array(R);
  const perCell = new Float64Array(w.cells);
  const perRoundN = new Float64Array(R);
  for (let i = 0; i < w.y.length; i++) {
    perCell[w.cell[i]!]!++;
    perRoundN[w.round[i]!]!++;
  }
  for (let iteration = 0; iteration < 1000; iteration++) {
    level.fill(0);
    for (let i = 0; i < w.y.length; i++) level[w.cell[i]!]! += (w.y[i]! - effect[w.round[i]!]!) / perCell[w.cell[i]!]!;
    const before = Float64Array.from(effect);
    effect.fill(0);
    for (let i = 0; i < w.y.length; i++) effect[w.round[i]!]! += (w.y[i]! - level[w.cell[i]!]!) / perRoundN[w.round[i]!]!;
    if (effect.every((e, r) => Math.abs(e - before[r]!) < 1e-12)) break;
  }
  const blockMean = w.rounds.map((r) => mean(w.rounds.flatMap((o, j) => (o.block === r.block ? [effect[j]!] : []))));
  return w.rounds.map((r, j) => {
    const residuals: number[] = [];
    let sumS = 0;
    for (let i = 0; i < w.y.length; i++) {
      if (w.round[i] !== j) continue;
      residuals.push(w.y[i]! - level[w.cell[i]!]!);
      sumS += w.t[i]!;
    }
    const centre = blockMean[j]!;
    const interval = bootstrapInterval([residuals], ([s]) => mean(s!) - centre, { rng, resamples });
    return {
      ...(r.dbRttMs ? { dbRttMs: r.dbRttMs } : {}),
      round: r.round,
      atS: sumS / residuals.length,
      cells: residuals.length,
      change: Math.expm1(effect[j]! - centre),
      ...(interval ? { low: Math.expm1(interval.low), high: Math.expm1(interval.high) } : {}),
    };
  });
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
