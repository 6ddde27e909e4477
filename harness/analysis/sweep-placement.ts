/**
 * Where the slow-db sweep must reach (docs/analysis.md, "Where the sweep is placed"). Pure.
 * Each framework's own db cell predicts its crossover by Little's law (C / X - RTT); a sweep
 * that stops below a prediction cannot show that framework converging, and reads "never".
 * So after the closed-loop cells, the sweep is extended, on the 1-2-5 ladder, until it reaches
 * twice the largest prediction: the prediction errs by up to a step (docs/analysis.md), and
 * twice it leaves room for the measured crossover to land one step later.
 */
import type { Results } from '../results/schema.ts';
import type { SweepPlacement, SweepPrediction } from '../results/sweep-schema.ts';
import { predictedCrossoverMs } from './predict.ts';
import { median } from './stats.ts';

/** The sweep reaches this multiple of the largest predicted crossover. */
export const SWEEP_REACH = 2;
/**
 * No latency beyond this is added: at 200 ms a pool of 10 serves 50 requests a second, so a
 * one-second window holds about 50 requests, the fewest that still give a median worth quoting.
 */
export const MAX_ADDED_MS = 200;

/** Pure: the next latency above `ms` on the 1-2-5 ladder (1, 2, 5, 10, 20, 50, 100, ...). */
export function nextLadderMs(ms: number): number {
  let decade = 1;
  for (;;) {
    for (const step of [1, 2, 5]) if (step * decade > ms) return step * decade;
    decade *= 10;
  }
}

/** Pure: each framework's prediction from its measured closed-loop db cells, largest first. */
export function sweepPredictions(results: Pick<Results, 'cells' | 'apps'>): SweepPrediction[] {
  const out: SweepPrediction[] = [];
  for (const cell of results.cells) {
    if (cell.kind !== 'db' || cell.rateSpec !== undefined || cell.status !== 'ok' || cell.repeats.length === 0) continue;
    const settings = results.apps[cell.framework]?.settings;
    if (!settings) continue;
    const rps = median(cell.repeats.map((r) => r.measurement.rps));
    if (!(rps > 0)) continue;
    const poolConnections = Math.min(cell.connections, settings.concurrencyLimit, settings.connectionCap);
    const dbRttMs = cell.dbRttMs ?? 0;
    out.push({
      framework: cell.framework,
      connections: cell.connections,
      dbRttMs,
      poolConnections,
      dbCellRps: rps,
      predictedMs: predictedCrossoverMs(poolConnections, rps, dbRttMs),
    });
  }
  return out.sort((a, b) => b.predictedMs - a.predictedMs);
}

/**
 * Pure: the latencies to add to `plannedMs` so the sweep reaches SWEEP_REACH times the largest
 * prediction (none when `explicit`: --db-latencies is the user's sweep), and the sentence that
 * says where the sweep lies and why. Undefined when no db cell was measured: nothing to place from.
 */
export function placeSweep(results: Pick<Results, 'cells' | 'apps'>, plannedMs: readonly number[], explicit: boolean): SweepPlacement | undefined {
  const predictions = sweepPredictions(results);
  const largest = predictions[0];
  if (!largest || plannedMs.length === 0) return undefined;
  const targetMs = SWEEP_REACH * largest.predictedMs;
  const lastPlanned = Math.max(...plannedMs);
  const addedMs: number[] = [];
  if (!explicit) {
    let last = lastPlanned;
    while (last < targetMs && nextLadderMs(last) <= MAX_ADDED_MS) {
      last = nextLadderMs(last);
      addedMs.push(last);
    }
  }
  const reach = Math.max(lastPlanned, ...addedMs);
  const brackets = reach >= targetMs;
  const basis = `${largest.poolConnections} connections / ${Math.round(largest.dbCellRps)} req/s on db${largest.dbRttMs ? ` - ${largest.dbRttMs} ms round trip` : ''}`;
  const largestIs = `the largest predicted crossover is ${largest.framework}'s, ${fmtMs(largest.predictedMs)} (${basis})`;
  let line: string;
  if (addedMs.length > 0) {
    const still = brackets ? '' : ` It still stops short: no latency beyond ${MAX_ADDED_MS} ms is added, so a "never" may be the sweep's end.`;
    line = `Sweep extended to ${addedMs.join(', ')} ms: ${largestIs}, and the planned sweep stopped at ${lastPlanned} ms, short of twice it.${still}`;
  } else if (brackets) {
    line = `Sweep ${plannedMs.join('/')} ms reaches ${fmtRatio(reach, largest.predictedMs)} ${largest.framework}'s predicted crossover of ${fmtMs(largest.predictedMs)} (${basis}), the largest.`;
  } else if (explicit) {
    line = `Sweep ${plannedMs.join('/')} ms (--db-latencies) stops short of twice ${largest.framework}'s predicted crossover of ${fmtMs(largest.predictedMs)} (${basis}); a "never" may be the sweep's end: add latencies up to ${Math.ceil(targetMs)} ms.`;
  } else {
    line = `Sweep stops at ${reach} ms, short of twice ${largestIs.replace('the largest predicted crossover is ', '')}: no latency beyond ${MAX_ADDED_MS} ms is added, so a "never" may be the sweep's end.`;
  }
  return { plannedMs: [...plannedMs], addedMs, predictions, targetMs, brackets, explicit, line };
}

const fmtMs = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
/** `2.3x`; `far beyond` when the prediction is 0 (the round trip alone binds). */
const fmtRatio = (reach: number, predicted: number) => (predicted > 0 ? `${(reach / predicted).toFixed(1)}x` : 'far beyond');
