import type { CrossoverVerdict } from '../results/analysis-schema.ts';
import { type Answer, above } from './intervals.ts';
import type { StoredInterval } from './ratios.ts';

/** Within 10% of the fastest: a ratio to it above 0.9 (analysis/crossover.ts CONVERGED_SPREAD). */
export const CONVERGED_RATIO = 0.9;

/** One framework at one swept latency: its ratio to the fastest there (interval when measured in 3 rounds or more). */
export interface RatioAt {
  framework: string;
  /** The point estimate (median ratio). */
  ratio: number;
  interval?: StoredInterval | undefined;
}

/** Pure: "is this framework within 10% of the fastest?" as a statistical answer, or from the point estimate when there is no interval. */
export function convergedAnswer(r: RatioAt): Answer {
  if (r.interval) return above(r.interval, CONVERGED_RATIO);
  return r.ratio > CONVERGED_RATIO ? 'yes' : 'no';
}

const fmtRatio = (r: RatioAt) =>
  r.interval ? `${r.ratio.toFixed(2)} (${r.interval.low.toFixed(2)}-${r.interval.high.toFixed(2)})` : `${r.ratio.toFixed(2)} (no interval)`;

/** How a verdict names its axis: the slow-db sweep's latencies, or a swept parameter's values (analysis/param-sweep.ts). */
export interface VerdictAxis {
  /** After a setting's label: ` of database latency`, or nothing when the label names the parameter. */
  of: string;
  /** The setting a sweep ends on: `largest latency swept`. */
  last: string;
  /** One setting: `latency`. */
  setting: string;
}

export const LATENCY_AXIS: VerdictAxis = { of: ' of database latency', last: 'largest latency swept', setting: 'latency' };

/**
 * Pure: the crossover as a statistical statement. A latency is converged when every
 * framework's ratio to the fastest lies wholly above 0.9, not converged when one lies wholly
 * below, undecided otherwise. The crossover is the smallest latency from which every larger
 * one is converged; the first latency below it that is undecided (rather than not converged)
 * is named, since the true crossover may lie there. `label` names a latency as the tables do.
 */
export function crossoverVerdict(
  byLatency: ReadonlyMap<number, RatioAt[]>,
  label: (ms: number) => string,
  rounds: number,
  axis: VerdictAxis = LATENCY_AXIS,
): CrossoverVerdict {
  const latencies = [...byLatency.keys()].sort((a, b) => a - b);
  const intervals = latencies.every((ms) => byLatency.get(ms)!.every((r) => r.interval !== undefined));
  const stateOf = (ms: number) => {
    const answers = byLatency.get(ms)!.map((r) => ({ r, answer: convergedAnswer(r) }));
    const state: Answer = answers.every((a) => a.answer === 'yes') ? 'yes' : answers.some((a) => a.answer === 'no') ? 'no' : 'undecided';
    return { state, answers };
  };
  let fromMs: number | undefined;
  let blocking: { ms: number; state: Answer; answers: { r: RatioAt; answer: Answer }[] } | undefined;
  for (let i = latencies.length - 1; i >= 0; i--) {
    const s = stateOf(latencies[i]!);
    if (s.state !== 'yes') {
      blocking = { ms: latencies[i]!, ...s };
      break;
    }
    fromMs = latencies[i];
  }
  const basis = intervals
    ? `95% intervals over ${rounds} rounds`
    : rounds >= 3
      ? `95% intervals over ${rounds} rounds; a ratio without one is a point estimate`
      : `point estimates: ${rounds} round(s), too few for an interval`;
  const slowestAt = (ms: number) => [...byLatency.get(ms)!].sort((a, b) => a.ratio - b.ratio)[0]!;
  const unsure = blocking?.answers.filter((a) => a.answer !== 'yes').map((a) => `${a.r.framework} ${fmtRatio(a.r)}`) ?? [];
  let answer: CrossoverVerdict['answer'];
  let sentence: string;
  if (fromMs !== undefined) {
    const slowest = slowestAt(fromMs);
    answer = 'converged';
    sentence =
      `From ${label(fromMs)}${axis.of} on, every framework's requests/s lies within 10% of the fastest ` +
      `(the slowest, ${slowest.framework}, at ${fmtRatio(slowest)} of it; ${basis}): past that point, framework choice stops mattering for this workload.`;
    if (blocking?.state === 'undecided')
      sentence += ` At ${label(blocking.ms)} it is undecided: ${unsure.join(', ')} straddle 0.90; more rounds would decide whether the crossover lies there.`;
  } else if (blocking?.state === 'undecided') {
    answer = 'undecided';
    sentence = `Undecided: at ${label(blocking.ms)}, the ${axis.last}, ${unsure.join(', ')} of the fastest straddle 0.90 (${basis}); more rounds would decide.`;
  } else {
    answer = 'never';
    const last = latencies[latencies.length - 1];
    if (last === undefined) sentence = `No ${axis.setting} was measured for every framework.`;
    else {
      const states = latencies.map((ms) => ({ ms, state: stateOf(ms).state }));
      const below = blocking!.answers.filter((a) => a.answer === 'no').map((a) => `${a.r.framework} ${fmtRatio(a.r)}`);
      const and = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : (xs[0] ?? ''));
      const other = (state: Answer) => and(states.filter((s) => s.state === state).map((s) => label(s.ms)));
      // "Never" only when every setting says no; a setting that was within 10%, or undecided, is named.
      sentence = states.every((s) => s.state === 'no')
        ? `Frameworks never came within 10% of each other in this sweep: at ${label(last)}, ${unsure.join(', ')} of the fastest (${basis}).`
        : `Frameworks are not within 10% of each other at the end of this sweep: at ${label(last)}, ${and(below)} of the fastest ${below.length > 1 ? 'lie' : 'lies'} below 0.90 (${basis}).` +
          (other('yes') ? ` At ${other('yes')} every framework was within 10% of the fastest.` : '') +
          (other('undecided') ? ` At ${other('undecided')} it is undecided.` : '');
    }
  }
  return {
    answer,
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(blocking?.state === 'undecided' ? { undecidedAtMs: blocking.ms } : {}),
    basis: intervals ? 'intervals' : 'point',
    rounds,
    sentence,
  };
}
