import { displayName } from '../report/format.ts';
import type { ParamSweep } from '../results/param-sweep-schema.ts';
import type { Results } from '../results/schema.ts';
import { pickDbCeiling } from './bounds.ts';
import { ownDbCell } from './crossover.ts';
import type { AnalyzedCell } from './types.ts';
import { crossoverVerdict, type RatioAt, type VerdictAxis } from './verdict.ts';

type SweptKind = ParamSweep['kind'];
const SWEPT: ReadonlySet<string> = new Set<SweptKind>(['db-cpu', 'big-result', 'hot-rows']);

/** A value names itself: `work 30000`, `k 1`. */
const PARAM_AXIS: VerdictAxis = { of: '', last: 'heaviest setting swept', setting: 'setting' };

/** Pure: the values in order of the database's growing share: fewer hot rows contend more, more work or rows cost more. */
export function orderValues(param: ParamSweep['param'], values: number[]): number[] {
  const unique = [...new Set(values)];
  return param === 'k' ? unique.sort((a, b) => b - a) : unique.sort((a, b) => a - b);
}

/**
 * Pure: the first value (in `values`' order) at which the database's capacity on the
 * request's SQL is at or below `ownRps`, the rate the framework reaches when the database
 * costs next to nothing; undefined when no swept value gets there. Past it the database
 * cannot serve the framework's rate, so it, not the framework, sets the rate (capacity model).
 */
export function predictedFrom(values: number[], capacity: ReadonlyMap<number, number>, ownRps: number | undefined): number | undefined {
  if (ownRps === undefined) return undefined;
  return values.find((v) => {
    const c = capacity.get(v);
    return c !== undefined && c <= ownRps;
  });
}

/** The direct path (no --db-rtt) at the run's first connection count, as the slow-db crossover table reads. */
const inSweep = (c: AnalyzedCell, connections: number) => c.status === 'ok' && c.connections === connections && !c.dbRttMs;

/**
 * Pure: every swept scenario of the run read as one sweep (docs/scenarios.md, "Swept
 * scenarios"): per framework and value its requests/s, labels and ratio to the fastest; the
 * database's capacity per value (the pgbench ceiling on the same SQL); the predicted and the
 * measured crossover. Scenarios with fewer than two measured values have none.
 */
export function buildParamSweeps(results: Results, cells: AnalyzedCell[]): ParamSweep[] {
  const connections = results.config.connections[0]!;
  const families = [...new Set(results.cells.filter((c) => c.sweepOf && SWEPT.has(c.kind)).map((c) => c.sweepOf!))];
  return families.flatMap((family) => {
    const raw = results.cells.filter((c) => c.sweepOf === family && c.param);
    const at = cells.filter((c) => inSweep(c, connections) && raw.some((r) => r.id === c.id));
    const first = raw[0]!;
    const param = first.param!.name;
    const values = orderValues(
      param,
      raw.filter((r) => at.some((c) => c.id === r.id)).map((r) => r.param!.value),
    );
    if (values.length < 2) return [];
    const instanceOf = new Map(raw.map((r) => [r.param!.value, r.scenario]));
    const capacity = values.flatMap((value) => {
      const { ceiling } = pickDbCeiling(results.ceilings, { scenario: instanceOf.get(value)!, connections }, 'prepared');
      return ceiling ? [{ value, rps: ceiling.rps, ...(ceiling.latencyMeanMs === undefined ? {} : { latencyMeanMs: ceiling.latencyMeanMs }) }] : [];
    });
    const capacityAt = new Map(capacity.map((c) => [c.value, c.rps]));
    const cellAt = (framework: string, value: number) => at.find((c) => c.framework === framework && c.scenario === instanceOf.get(value));
    // A cell that failed on the same path: named in the table, and left out of the ratios and the verdict at its value.
    const failedAt = (framework: string, value: number) =>
      raw.find((r) => r.framework === framework && r.param!.value === value && r.status === 'failed' && r.connections === connections && !r.dbRttMs);
    const frameworks = results.config.frameworks.filter((f) => at.some((c) => c.framework === f));
    const notes: string[] = [];
    // big-result has no capacity model: the framework's own cost grows with the rows it serialises, so its db cell does not stand for its rate.
    const modelled = first.kind !== 'big-result';
    const perFramework = frameworks.map((framework) => {
      const own = ownDbCell(cells, framework, connections, 0)?.rps.median;
      const predicted = modelled ? predictedFrom(values, capacityAt, own) : undefined;
      return {
        framework,
        points: values.map((value) => {
          const c = cellAt(framework, value);
          const failed = c ? undefined : failedAt(framework, value);
          return {
            value,
            ...(failed ? { failed: failed.failure?.reason ?? 'no reason recorded' } : {}),
            ...(c ? { rps: c.rps.median } : {}),
            ...(c?.shareOfFastest === undefined ? {} : { shareOfFastest: c.shareOfFastest }),
            ...(c?.shareOfFastestInterval ? { shareOfFastestInterval: c.shareOfFastestInterval } : {}),
            ...(c?.attribution ? { labels: [...c.attribution.labels] } : {}),
          };
        }),
        ...(own === undefined ? {} : { ownRps: own }),
        ...(predicted === undefined ? {} : { predictedFrom: predicted }),
      };
    });
    const without = perFramework.filter((f) => f.ownRps === undefined).map((f) => displayName(results, f.framework));
    if (modelled && without.length > 0)
      notes.push(
        without.length === perFramework.length
          ? `No framework has a measured db cell at c${connections} (the run measured no db scenario there), so the capacity model predicts nothing.`
          : `No measured db cell at c${connections}, so no prediction, for: ${without.join(', ')}.`,
      );
    if (capacity.length < values.length)
      notes.push('Some values have no database ceiling on their SQL, so the capacity and the prediction are incomplete there.');
    const owns = perFramework.map((f) => f.ownRps);
    const everyOwn = owns.every((o): o is number => o !== undefined) && owns.length > 0;
    const overall = everyOwn && modelled ? predictedFrom(values, capacityAt, Math.min(...owns)) : undefined;
    const commit = results.commitLatency;
    const commitBound =
      first.kind === 'hot-rows' && commit && commit.msPerCommit > 0
        ? values.map((k) => ({ value: k, rps: (Math.min(k, results.config.connectionCap) * 1000) / commit.msPerCommit }))
        : undefined;
    const verdict = frameworks.length > 1 ? sweepVerdict(results, frameworks, values, param, cellAt) : undefined;
    return [
      {
        scenario: family,
        kind: first.kind as SweptKind,
        param,
        connections,
        values,
        capacity,
        ...(commitBound ? { commitBound } : {}),
        perFramework,
        ...(overall === undefined ? {} : { predictedFrom: overall }),
        ...(verdict ? { verdict } : {}),
        notes,
      },
    ];
  });
}

/** The statistical verdict over the values every framework has a ratio at, in the sweep's order. */
function sweepVerdict(
  results: Results,
  frameworks: string[],
  values: number[],
  param: ParamSweep['param'],
  cellAt: (framework: string, value: number) => AnalyzedCell | undefined,
): ParamSweep['verdict'] {
  // The verdict reads its keys ascending: positions in the sweep's order stand in for the values.
  const byPosition = new Map<number, RatioAt[]>();
  let rounds = Number.POSITIVE_INFINITY;
  values.forEach((value, i) => {
    const at = frameworks.map((f) => cellAt(f, value));
    if (!at.every((c): c is AnalyzedCell => c?.shareOfFastest !== undefined)) return;
    byPosition.set(
      i,
      at.map((c) => ({ framework: displayName(results, c.framework), ratio: c.shareOfFastest!, interval: c.shareOfFastestInterval })),
    );
    rounds = Math.min(rounds, ...at.map((c) => c.rps.n));
  });
  if (byPosition.size === 0) return undefined;
  const v = crossoverVerdict(byPosition, (i) => `${param} ${values[i]}`, rounds, PARAM_AXIS);
  return {
    answer: v.answer,
    ...(v.fromMs === undefined ? {} : { from: values[v.fromMs] }),
    ...(v.undecidedAtMs === undefined ? {} : { undecidedAt: values[v.undecidedAtMs] }),
    basis: v.basis,
    rounds: v.rounds,
    sentence: v.sentence,
  };
}
