import { shortLabels } from '../analysis/attribution.ts';
import { isDbBound } from '../analysis/crossover.ts';
import type { Analysis } from '../analysis/types.ts';
import type { Bottleneck } from '../results/analysis-schema.ts';
import type { ParamSweep } from '../results/param-sweep-schema.ts';
import type { Results } from '../results/schema.ts';
import { displayName, fmtRps, type Table } from './format.ts';

/** What the parameter does, for the table's title. */
const MEANING: Record<ParamSweep['param'], string> = {
  work: "rows the database generates and sums per request (its CPU's share)",
  rows: 'rows returned and serialised per request',
  k: 'hot rows the increments spread over (fewer: more lock waits)',
};

/** Pure: the first value from which this framework's cells are database-bound (isDbBound, the slow-db crossover's rule) at that value and every later one. */
export function dbBoundFrom(points: ParamSweep['perFramework'][number]['points']): number | undefined {
  let from: number | undefined;
  for (let i = points.length - 1; i >= 0; i--) {
    if (!isDbBound(points[i]!.labels ?? [])) break;
    from = points[i]!.value;
  }
  return from;
}

const ratioText = (p: ParamSweep['perFramework'][number]['points'][number] | undefined) =>
  p?.shareOfFastest === undefined
    ? '-'
    : p.shareOfFastestInterval
      ? `${p.shareOfFastest.toFixed(2)} (${p.shareOfFastestInterval.low.toFixed(2)}-${p.shareOfFastestInterval.high.toFixed(2)})`
      : p.shareOfFastest.toFixed(2);

/** One table per swept scenario: requests/s and labels per value, the database's capacity there, and the slowest framework's ratio. */
export function paramSweepTables(results: Results, analysis: Analysis): Table[] {
  return (analysis.paramSweeps ?? []).map((s) => paramSweepTable(results, s));
}

export function paramSweepTable(results: Results, s: ParamSweep): Table {
  const label = (v: number) => `${s.param} ${v}`;
  const rows = s.perFramework.map((f) => {
    const from = dbBoundFrom(f.points);
    return [
      displayName(results, f.framework),
      ...f.points.map((p) => (p.rps === undefined ? (p.failed ? 'failed' : '') : `${fmtRps(p.rps)} ${p.labels ? shortLabels(p.labels as Bottleneck[]) : '?'}`)),
      from === undefined ? 'not in sweep' : label(from),
      f.predictedFrom === undefined ? (f.ownRps === undefined || s.kind === 'big-result' ? '-' : 'beyond the sweep') : label(f.predictedFrom),
    ];
  });
  rows.push(['database capacity', ...s.values.map((v) => fmtRps(s.capacity.find((c) => c.value === v)?.rps)), '', '']);
  if (s.commitBound) rows.push(['commit bound', ...s.values.map((v) => fmtRps(s.commitBound!.find((c) => c.value === v)?.rps)), '', '']);
  rows.push([
    'slowest / fastest',
    ...s.values.map((_, i) => {
      const slowest = s.perFramework
        .map((f) => f.points[i])
        .filter((p) => p?.shareOfFastest !== undefined)
        .sort((a, b) => a!.shareOfFastest! - b!.shareOfFastest!)[0];
      return ratioText(slowest);
    }),
    '',
    '',
  ]);
  const predicted =
    s.kind === 'big-result'
      ? "No prediction: the framework's own cost grows with the rows it decodes and serialises, so its db cell does not stand for its rate here; the database's capacity row shows where the database alone would stop."
      : s.predictedFrom !== undefined
        ? `Predicted from ${label(s.predictedFrom)} on: there the database's capacity on this SQL falls to the slowest framework's own rate (its db cell).`
        : s.perFramework.length > 0 && s.perFramework.every((f) => f.ownRps !== undefined)
          ? "The database capacity stays above the slowest framework's own rate at every value swept: the capacity model predicts no crossover here."
          : // The sweep's own note names the frameworks without a db cell (analysis/param-sweep.ts).
            undefined;
  return {
    title: `${s.scenario}: requests/s and bottleneck by ${s.param}, the ${MEANING[s.param]} (c${s.connections})`,
    head: ['framework', ...s.values.map(label), 'db-bound from', 'predicted'],
    rows,
    notes: [
      ...(s.verdict ? [s.verdict.sentence] : []),
      ...failedNotes(results, s),
      ...(predicted ? [predicted] : []),
      "Database capacity: pgbench on the request's own SQL with the apps' connection cap (the database ceiling). Predicted: the first value whose capacity is at or below the framework's own db-cell rate. Slowest / fastest: the lowest ratio to the fastest framework at that value, with its 95% interval.",
      ...capacityBroken(s),
      ...commitBoundBroken(s),
      ...(s.commitBound
        ? [
            "Commit bound: min(k, the connection cap) x 1000 / the database's commit latency. Each request holds its row's lock until its commit is flushed, so the increments of one row are served one commit after another.",
          ]
        : []),
      ...s.notes,
    ],
  };
}

/** Pure: one line per failed cell of the sweep, with its reason: the ratios and the verdict at its value leave it out. */
export function failedNotes(results: Results, s: ParamSweep): string[] {
  return s.perFramework.flatMap((f) =>
    f.points.flatMap((p) =>
      p.failed
        ? [
            `${displayName(results, f.framework)} failed at ${s.param} ${p.value}: the slowest / fastest ratio there leaves it out, and the verdict reads only the values every framework was measured at. ${p.failed}.`,
          ]
        : [],
    ),
  );
}

/**
 * Pure: a line naming the values where a framework served more than the database's capacity
 * (5% beyond it): the app went through the same database, so the capacity read low there. It is
 * one short pgbench run before the cells (a standard run on 2026-12-07 read 270 requests/s at
 * work 10000 with the prepared protocol, 387 with the simple one, while five frameworks served
 * 491-630), and the row must not pass for a limit where a measurement refutes it.
 */
export function capacityBroken(s: ParamSweep): string[] {
  const over = servedAbove(
    s,
    s.capacity.filter((c) => c.rps > 0),
  ).map((o) => `${s.param} ${o.value} (${fmtRps(o.best)} against ${fmtRps(o.rps)})`);
  return over.length
    ? [
        `Measured above the database capacity at ${over.join(', ')}: the apps used the same database, so the capacity, one short pgbench run before the cells, is not the database's limit there. Read the row there as a lower bound, and a prediction from it as too early.`,
      ]
    : [];
}

/** Pure: the values of `bounds` that some framework's measured rate passed by more than 5%, with the best rate there. */
function servedAbove(s: ParamSweep, bounds: readonly { value: number; rps: number }[]): { value: number; rps: number; best: number }[] {
  return bounds.flatMap((b) => {
    const best = Math.max(0, ...s.perFramework.map((f) => f.points.find((p) => p.value === b.value)?.rps ?? 0));
    return best > b.rps * 1.05 ? [{ value: b.value, rps: b.rps, best }] : [];
  });
}

/** Pure: a line for each value where a framework served more than the commit bound: the measurement refutes the bound there. */
export function commitBoundBroken(s: ParamSweep): string[] {
  if (!s.commitBound) return [];
  const over = servedAbove(s, s.commitBound);
  return over.length
    ? [
        `Measured above the commit bound at ${over.map((b) => `${s.param} ${b.value}`).join(', ')}: the commit latency, one client's whole transaction, overstates how long a row lock waits for its flush here, so the bound does not hold on this machine.`,
      ]
    : [];
}

/** Pure: each swept scenario's verdict, named, to follow the slow-db verdict at the top of every report. */
export function paramSweepVerdictLines(analysis: Analysis): string[] {
  return (analysis.paramSweeps ?? []).flatMap((s) => (s.verdict ? [`${s.scenario}: ${s.verdict.sentence}`] : []));
}
