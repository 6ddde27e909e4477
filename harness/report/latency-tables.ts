/**
 * Tables of the open-loop latency sweeps (docs/open-loop.md): p50 / p99 / p99.9 per framework
 * per database latency at one offered rate, and the latency crossover line. Pure.
 */
import { disturbedCellIds } from '../analysis/neighbours.ts';
import { settingLatency } from '../analysis/setting-latency.ts';
import type { Analysis } from '../analysis/types.ts';
import { rateText } from '../config/rates.ts';
import type { LatencyCell, LatencySweep } from '../results/analysis-schema.ts';
import type { Results } from '../results/schema.ts';
import { DISTURBED_MARK, DISTURBED_NOTE, displayName, fmtMs, fmtPct, fmtRps, settingLabel, type Table } from './format.ts';

/** Marks a cell offered more than 80% of the open-loop generator's own ceiling. */
export const NEAR_CEILING_MARK = '*';
/** Marks a cell where the generator itself sent more than 1% of requests late with a connection free. */
export const GENERATOR_LATE_MARK = '~';

/** `97 req/s offered (50% of capacity, poisson)`: what a sweep's tables and chart say about its rate. */
export function sweepRateText(s: LatencySweep): string {
  const offered = s.offeredRps === undefined ? 'no rate could be offered' : `${fmtRps(s.offeredRps)} req/s offered`;
  const asked = s.rateSpec.endsWith('%') ? `${rateText(s.rateSpec)}, ` : '';
  return `${offered} (${asked}${s.arrival ?? 'poisson'} arrivals, ${s.connections} connections at most)`;
}

function cellText(c: LatencyCell | undefined, disturbed: ReadonlySet<string>): string {
  if (!c) return '';
  if (c.status !== 'ok') return c.status.toUpperCase();
  const mark = (c.nearGeneratorCeiling ? NEAR_CEILING_MARK : '') + (c.generatorLate ? GENERATOR_LATE_MARK : '') + (disturbed.has(c.id) ? DISTURBED_MARK : '');
  if (!c.sustained) {
    const late = c.scheduled ? `, ${fmtPct((c.late ?? 0) / c.scheduled)} late` : '';
    return `UNSUSTAINED (${fmtRps(c.achievedRps)} of ${fmtRps(c.offeredRps)} req/s${late})${mark}`;
  }
  const p = (ms: number | undefined) => (ms === undefined ? '-' : fmtMs(ms));
  const p99 = c.p99Interval ? `${p(c.p99Ms)} (${p(c.p99Interval.low)}-${p(c.p99Interval.high)})` : p(c.p99Ms);
  return `${p(c.p50Ms)} / ${p99} / ${p(c.p999Ms)}${mark}`;
}

/** `10 ms (eff 10.3)` from the closed-loop sweep's settings when it measured them. */
const latencyHead = (analysis: Analysis, ms: number): string => settingLabel(settingLatency(analysis.crossover, ms));

/** What `*` means; a ceiling of 0 means the generator fell behind at every rate its search tried. */
function nearCeilingNote(ceilingRps: number | undefined): string {
  return ceilingRps === 0
    ? `${NEAR_CEILING_MARK}: the open-loop generator fell behind its own schedule at every rate its ceiling search tried on this machine (see the ceilings table): its own lateness is in every cell.`
    : `${NEAR_CEILING_MARK}: offered more than 80% of the open-loop generator's own ceiling (${fmtRps(ceilingRps)} req/s in this run): the generator's own queueing is in these numbers.`;
}

/** What `~` means, with each flagged cell's share and longest delay. */
function generatorLateNote(cells: LatencyCell[]): string {
  const each = cells.map((c) => `${c.id} ${fmtPct((c.lateGenerator ?? 0) / (c.scheduled || 1))} (up to ${fmtMs(c.generatorLagMaxMs ?? 0)} ms)`);
  return (
    `${GENERATOR_LATE_MARK}: the generator itself sent more than 1% of these requests over 2 ms late while a connection was free (the machine woke it late, not the app). ` +
    `Their latency is still timed from the schedule, so these percentiles carry that delay and are upper bounds: ${each.join('; ')}.`
  );
}

/**
 * Fewer than this many requests at or beyond p99.9 in a repeat, and the tables say what the tail
 * percentiles rest on: below ten, the percentile is one of a handful of the slowest requests,
 * which move from repeat to repeat (the standard profile times about 400-800 per repeat).
 */
export const THIN_TAIL_REQUESTS = 10;

/**
 * How many of n requests lie at or beyond a percentile (99.9 for p99.9): hdr-histogram-js's
 * getValueAtPercentile returns the request at rank percentile / 100 x n, rounded up after
 * trimming one unit in the last place, at least 1. The same float steps give the same rank.
 */
export function slowestAtOrBeyond(n: number, percentile: number): number {
  const fp = (percentile / 100) * n;
  const rank = Math.max(1, Math.ceil(fp - Number.EPSILON * fp));
  return Math.max(1, n - rank + 1);
}

/** `slowest`, `2nd slowest`, `11th slowest`. */
function slowestText(k: number): string {
  if (k <= 1) return 'slowest';
  const teen = k % 100 >= 11 && k % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[k % 10] ?? 'th');
  return `${k}${suffix} slowest`;
}

/** What p99 and p99.9 rest on when a repeat timed too few requests for p99.9 to be more than its last few. */
export function thinTailNote(results: Results, s: LatencySweep): string | undefined {
  const ids = new Set(s.cells.filter((c) => c.status === 'ok').map((c) => c.id));
  const counts = results.cells.filter((c) => ids.has(c.id)).flatMap((c) => c.repeats.map((r) => r.measurement.scheduled ?? r.measurement.requests2xx));
  if (counts.length === 0) return undefined;
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  if (slowestAtOrBeyond(lo, 99.9) >= THIN_TAIL_REQUESTS) return undefined;
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `Requests timed per repeat: ${lo === hi ? n(lo) : `${n(lo)}-${n(hi)}`}. Of ${n(lo)}, p99 is the ${slowestText(slowestAtOrBeyond(lo, 99))} request ` +
    `and p99.9 the ${slowestText(slowestAtOrBeyond(lo, 99.9))}: tail percentiles from so few requests move between repeats (a longer --duration rests them on more).`
  );
}

/** One sentence on where the latencies converge at this rate, or that they never did. */
export function latencyCrossoverLine(s: LatencySweep): string {
  const at = `At ${sweepRateText(s)}`;
  if (s.frameworks.length < 2) return `${at}: one framework only, so no latency crossover.`;
  const v = s.verdict;
  const spread = (i: NonNullable<typeof v>['spread']) =>
    i ? ` (${fmtPct(i.estimate)}, 95% interval ${fmtPct(i.low)}-${fmtPct(i.high)})` : ' (too few repeats for an interval)';
  if (v?.answer === 'undecided') {
    const then = v.fromMs !== undefined ? `; from ${v.fromMs} ms on they lie within it` : '';
    return `${at}: undecided at ${v.atMs} ms whether every framework's p99 lies within 10% of the others': the spread of the p99s${spread(v.spread)} straddles 10%${then}; more repeats would decide.`;
  }
  if (v?.answer === 'converged')
    return `${at}: from ${v.fromMs} ms of database latency on, every framework's p99 lies within 10% of the others' (the latency crossover; every spread's 95% interval at or below 10%, or point estimates below 3 repeats).`;
  if (v?.answer === 'never' && v.atMs !== undefined)
    return `${at}: at ${v.atMs} ms, the largest latency swept, the frameworks' p99 latencies are not within 10% of each other${spread(v.spread)}: no latency crossover within this sweep.`;
  return s.crossoverMs === undefined
    ? `${at}: the frameworks' p99 latencies never came within 10% of each other in this sweep.`
    : `${at}: from ${s.crossoverMs} ms of database latency on, every framework's p99 lies within 10% of the others' (the latency crossover).`;
}

/** Pure: one table per open-loop sweep: p50 / p99 / p99.9 (ms, from the scheduled time) per framework and database latency. */
export function latencySweepTables(results: Results, analysis: Analysis): Table[] {
  const sweeps = analysis.latency?.sweeps ?? [];
  const disturbed = disturbedCellIds(results);
  return sweeps.map((s) => {
    const at = (f: string, ms: number) => s.cells.find((c) => c.framework === f && c.dbLatencyMs === ms);
    const unsustained = s.cells.filter((c) => c.status === 'ok' && !c.sustained);
    const near = s.cells.some((c) => c.nearGeneratorCeiling);
    const generatorLate = s.cells.filter((c) => c.status === 'ok' && c.generatorLate);
    const ceiling = analysis.latency?.generatorCeilingRps;
    return {
      title: `Open-loop latency at ${sweepRateText(s)}: p50 / p99 (95% interval, 3+ repeats) / p99.9 in ms, ${s.scenario}${s.dbRttMs ? ` +${s.dbRttMs} ms RTT` : ''}`,
      head: ['framework', ...s.latencies.map((ms) => latencyHead(analysis, ms))],
      rows: [
        ...s.frameworks.map((f) => [displayName(results, f), ...s.latencies.map((ms) => cellText(at(f, ms), disturbed))]),
        ['p99 spread', ...s.latencies.map((ms) => fmtPct(s.spreadByLatency.find((x) => x.dbLatencyMs === ms)?.spread))],
      ],
      notes: [
        latencyCrossoverLine(s),
        'Latency is timed from each request\'s scheduled send time, so waiting behind a stall counts (no coordinated omission). p99 spread: highest p99 / lowest p99 - 1; "-" where some framework did not sustain the rate.',
        ...(unsustained.length
          ? [
              `UNSUSTAINED: the cell did not keep its offered rate (more than 1% of requests sent over 2 ms late because every connection was busy, achieved rate more than 1% short, or timeouts); its latencies are not comparable and are left out of the crossover and the chart. ${unsustained.map((c) => `${c.id}: ${c.shortfall ?? ''}`).join('; ')}.`,
            ]
          : []),
        ...[thinTailNote(results, s)].filter((n): n is string => n !== undefined),
        ...(near ? [nearCeilingNote(ceiling)] : []),
        ...(generatorLate.length ? [generatorLateNote(generatorLate)] : []),
        ...(s.cells.some((c) => c.status === 'ok' && disturbed.has(c.id)) ? [DISTURBED_NOTE] : []),
        ...(ceiling === undefined ? ["The open-loop generator's own ceiling was not measured in this run, so no cell could be checked against it."] : []),
        ...s.notes,
      ],
    };
  });
}

/** Pure: the latency crossover lines, shown next to the throughput crossover. */
export function latencyCrossoverLines(analysis: Analysis): string[] {
  return (analysis.latency?.sweeps ?? []).map(latencyCrossoverLine);
}
