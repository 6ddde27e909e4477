import { formatDuration } from '../output/format.ts';
import { type Results, SHORT_WINDOW } from '../results/schema.ts';
import type { MachineTrend } from '../results/trend-schema.ts';

const pct = (share: number) => (Number.isFinite(share) ? `±${Number((share * 100).toFixed(1))}%` : 'no finite ratio');

const WHY = {
  precision: 'every column reached the target',
  budget: 'the budget was spent',
  'max-rounds': 'every planned round ran',
  stopped: 'the run stopped',
} as const;

/**
 * Pure: how the side-by-side rounds ended, per round trip, and the columns whose ratios did
 * not reach the target precision (docs/schedule.md): they are compared less precisely than
 * the run asked for, and the line says by how much.
 */
export function roundsLines(results: Results): string[] {
  return [...roundTripLines(results), ...remeasuredLines(results)];
}

/**
 * Pure: the windows measured again, and in which cells: after a disturbance (side by side), or
 * because the window ended before the app answered once per connection, or its timeout was
 * shorter than twice the queue's wait, and was lengthened (pipeline/window-length.ts). None: no line.
 */
export function remeasuredLines(results: Pick<Results, 'cells'>): string[] {
  const line = (short: boolean, because: string) => {
    const counts = results.cells.flatMap((c) => {
      const n = (c.remeasured ?? []).filter((r) => r.reason.startsWith(SHORT_WINDOW) === short).length;
      return n > 0 ? [{ id: c.id, n }] : [];
    });
    if (counts.length === 0) return [];
    const n = counts.reduce((sum, c) => sum + c.n, 0);
    return [
      `${n} window(s) measured again ${because} (kept in results.json as \`remeasured\`, left out of every figure): ${counts.map((c) => `${c.id} (${c.n})`).join(', ')}.`,
    ];
  };
  return [
    ...line(false, 'because other processes or the hypervisor took CPU during them'),
    ...line(
      true,
      "with a longer window and timeout, because the queue's wait (requests in flight / rate) outlasted the window (fewer answers than requests in flight) or half the request timeout",
    ),
  ];
}

function roundTripLines(results: Results): string[] {
  return (results.rounds ?? []).map((r) => {
    const rtt = r.dbRttMs ? ` (round trip ${r.dbRttMs} ms)` : '';
    const short = r.columns.filter((c) => !c.met);
    const shortText = short.length
      ? `; not within it: ${short.map((c) => `${c.shape} (${c.halfWidth === undefined ? 'fewer than 3 rounds' : pct(c.halfWidth)} after ${c.rounds} rounds)`).join(', ')}`
      : '';
    return (
      `Rounds side by side${rtt}: ${r.rounds} in ${formatDuration(r.elapsedS)} of a ${formatDuration(r.budgetS)} budget, stopped because ${WHY[r.stoppedBy]}; ` +
      `${r.columns.length - short.length} of ${r.columns.length} columns have every ratio to the fastest within ${pct(r.targetHalfWidth)} (95% interval)${shortText}.`
    );
  });
}

/** `+2.0%`, `-15.2%`, `0.0%`: a change as a signed percentage. */
export function signedPct(share: number): string {
  const text = (share * 100).toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${share > 0 ? '+' : ''}${text}%`;
}

const VERDICT = {
  steady: (limit: string) => `steady (the interval lies within ±${limit})`,
  drifted: (limit: string) => `DRIFTED (the interval lies beyond ±${limit})`,
  undecided: (limit: string) => `undecided (the interval reaches past ±${limit})`,
} as const;

/** Pure: the `DRIFT` detail of a side-by-side trend (analysis/trend.ts). */
export function trendDetail(trend: MachineTrend): string {
  const c = trend.change;
  return (
    `its speed moved ${signedPct(c.estimate)} (95% interval ${signedPct(c.low)} to ${signedPct(c.high)}) over ${trend.rounds} rounds side by side ` +
    `(${formatDuration(trend.spanS)}), each of ${trend.cells} cells measured against its own level`
  );
}

/**
 * Pure: the machine's speed over the side-by-side rounds, where the restart schedule shows
 * its drift check: the change over the run with its interval and verdict, then the speed of
 * each round against its round trip's mean (docs/schedule.md).
 */
export function trendLines(results: Pick<Results, 'trend'>): string[] {
  const t = results.trend;
  if (!t) return [];
  const c = t.change;
  const limit = `${Number((t.limit * 100).toFixed(1))}%`;
  const rtts = new Set(t.perRound.map((r) => r.dbRttMs ?? 0));
  const rounds = [...rtts].map((rtt) => {
    const own = t.perRound.filter((r) => (r.dbRttMs ?? 0) === rtt);
    const text = own.map(
      (r) => `${r.round + 1}: ${signedPct(r.change)}${r.low !== undefined && r.high !== undefined ? ` (${signedPct(r.low)} to ${signedPct(r.high)})` : ''}`,
    );
    return `${rtts.size > 1 ? `${rtt ? `round trip +${rtt} ms` : 'direct path'}: ` : ''}${text.join(', ')}`;
  });
  return [
    `Machine speed over ${t.rounds} rounds (${formatDuration(t.spanS)}): ${signedPct(c.estimate)} (${signedPct(c.low)} to ${signedPct(c.high)}, 95% interval), ${VERDICT[t.verdict](limit)}; ` +
      `read off all ${t.windows} windows of ${t.cells} closed-loop cells, each against its own level, instead of measuring a cell again.`,
    `Machine speed per round, against the mean of its round trip's rounds (95% interval over its cells): ${rounds.join('; ')}.`,
  ];
}
