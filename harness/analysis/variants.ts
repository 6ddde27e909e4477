import { displayName } from '../report/format.ts';
import type { CrossoverAnalysis, FrameworkCrossover } from '../results/analysis-schema.ts';
import type { Results } from '../results/schema.ts';
import type { Alike, VariantColumn, VariantCrossover, VariantPair } from '../results/variants-schema.ts';
import { sideOf } from './intervals.ts';
import { baselineRatios, type StoredInterval } from './ratios.ts';
import { columnKey } from './summary.ts';
import type { AnalyzedCell } from './types.ts';
import { crossoverVerdict, type RatioAt } from './verdict.ts';

/**
 * Pure: each variant of the run beside its base app, when both ran (docs/variants.md, "Reading
 * the What moved table"). Per column, the variant's requests/s as a multiple of the base's,
 * with the interval --baseline gives (the base is the variant's own baseline: analysis/ratios.ts);
 * per sweep, each app's measured crossover (crossover.ts) and from which latency the two lie
 * within 10% of each other (verdict.ts on their ratio); and a sentence. Empty when no variant
 * ran with its base.
 */
export function variantPairs(results: Results, cells: readonly AnalyzedCell[], crossovers: readonly CrossoverAnalysis[]): VariantPair[] {
  const ran = new Set(cells.map((c) => c.framework));
  const frameworks = results.config.frameworks.filter((f) => ran.has(f));
  return frameworks.flatMap((variant) => {
    const base = results.apps[variant]?.variantOf;
    if (base === undefined || !frameworks.includes(base)) return [];
    const columns = pairColumns(results, cells, variant, base);
    const sweeps = crossovers.flatMap((x): VariantCrossover[] => {
      const b = x.perFramework.find((f) => f.framework === base);
      const v = x.perFramework.find((f) => f.framework === variant);
      if (!b && !v) return [];
      const alike = alikeFrom(x, columns);
      return [
        {
          ...(x.dbRttMs ? { dbRttMs: x.dbRttMs } : {}),
          ...(b ? { base: msOf(b) } : {}),
          ...(v ? { variant: msOf(v) } : {}),
          ...(alike ? { alike } : {}),
        },
      ];
    });
    const pair = { variant, base, columns, crossovers: sweeps };
    return [{ ...pair, sentence: pairSentence(results, pair) }];
  });
}

/** The variant's ratio to its base in every column both measured comparably, in plan order. */
function pairColumns(results: Results, cells: readonly AnalyzedCell[], variant: string, base: string): VariantColumn[] {
  const two = cells.filter((c) => c.framework === variant || c.framework === base);
  const ratios = baselineRatios(two, results.cells, results.config.interleave, base);
  const baseCells = new Map(two.filter((c) => c.framework === base).map((c) => [columnKey(c), c]));
  return two.flatMap((c) => {
    const r = c.framework === variant ? ratios.get(c.id) : undefined;
    const b = baseCells.get(columnKey(c));
    if (!r || !b) return [];
    return [
      {
        key: columnKey(c),
        scenario: c.scenario,
        connections: c.connections,
        ...(c.dbLatencyMs === undefined ? {} : { dbLatencyMs: c.dbLatencyMs }),
        ...(c.dbRttMs ? { dbRttMs: c.dbRttMs } : {}),
        ratio: r.ratio,
        ...(r.interval ? { interval: r.interval } : {}),
        repeats: Math.min(c.rps.n, b.rps.n),
        paired: results.config.interleave && c.rps.n === b.rps.n,
      },
    ];
  });
}

const msOf = (f: FrameworkCrossover) => (f.crossoverMs === undefined ? {} : { crossoverMs: f.crossoverMs });

/**
 * An interval of variant / base folded onto min(r, 1 / r), "how close the two are either
 * way": its low end is the farthest the ratio may lie from 1, its high end the nearest (1 when
 * the interval holds 1). Above 0.9 means within 10% of each other, as verdict.ts reads a ratio.
 */
export function foldedInterval(i: StoredInterval): StoredInterval {
  const fold = (r: number) => Math.min(r, 1 / r);
  const high = i.low <= 1 && i.high >= 1 ? 1 : Math.max(fold(i.low), fold(i.high));
  return { estimate: fold(i.estimate), low: Math.min(fold(i.low), fold(i.high)), high };
}

/** Pure: from which latency of the sweep the variant and its base lie within 10% of each other (verdict.ts on the folded ratios); undefined when no latency has both. */
export function alikeFrom(x: CrossoverAnalysis, columns: readonly VariantColumn[]): Alike | undefined {
  const byLatency = new Map<number, RatioAt[]>();
  let rounds = Number.POSITIVE_INFINITY;
  for (const ms of x.latencies) {
    // Only slow-db columns carry a latency.
    const c = columns.find((c) => c.dbLatencyMs === ms && c.connections === x.connections && (c.dbRttMs ?? 0) === (x.dbRttMs ?? 0));
    if (!c) continue;
    byLatency.set(ms, [{ framework: 'pair', ratio: Math.min(c.ratio, 1 / c.ratio), interval: c.interval ? foldedInterval(c.interval) : undefined }]);
    rounds = Math.min(rounds, c.repeats);
  }
  if (byLatency.size === 0) return undefined;
  const v = crossoverVerdict(byLatency, (ms) => `${ms} ms`, rounds);
  return {
    answer: v.answer,
    ...(v.fromMs === undefined ? {} : { fromMs: v.fromMs }),
    ...(v.undecidedAtMs === undefined ? {} : { undecidedAtMs: v.undecidedAtMs }),
    basis: v.basis,
    rounds,
  };
}

/** `5 ms`, or `never` when the app never became pool- or database-bound in the sweep; `-` when it was not in it. */
export function crossoverText(c: { crossoverMs?: number | undefined } | undefined): string {
  if (!c) return '-';
  return c.crossoverMs === undefined ? 'never' : `${c.crossoverMs} ms`;
}

/** `FastAPI 5 ms -> FastAPI + SQLAlchemy 10 ms`: the base's crossover, then the variant's. */
export function crossoverMove(results: Results, pair: Pick<VariantPair, 'base' | 'variant'>, x: VariantCrossover): string {
  return `${displayName(results, pair.base)} ${crossoverText(x.base)} -> ${displayName(results, pair.variant)} ${crossoverText(x.variant)}`;
}

/** `from 10 ms`, `from 5 ms (2 ms undecided)`, `never`, `undecided`, or `-` (no latency had both). */
export function alikeText(a: Alike | undefined): string {
  if (!a) return '-';
  if (a.answer !== 'converged') return a.answer;
  return `from ${a.fromMs} ms${a.undecidedAtMs === undefined ? '' : ` (${a.undecidedAtMs} ms undecided)`}`;
}

/** `db`, `slow-db 10 ms`, `slow-db 10 ms rtt 0.5 ms c256`: a column as a sentence names it. */
function columnWords(results: Results, c: VariantColumn): string {
  const several = new Set(results.config.connections).size > 1;
  return `${c.scenario}${c.dbLatencyMs === undefined ? '' : ` ${c.dbLatencyMs} ms`}${c.dbRttMs ? ` rtt ${c.dbRttMs} ms` : ''}${several ? ` c${c.connections}` : ''}`;
}

/** `within 10% of each other from 10 ms on`, `... at every latency swept`, `never within 10% of each other`, ... */
function alikeWords(a: Alike, firstMs: number | undefined): string {
  const point = a.basis === 'point' ? ' (point estimates)' : '';
  if (a.answer === 'never') return `never within 10% of each other${point}`;
  if (a.answer === 'undecided') return `undecided whether within 10% of each other at ${a.undecidedAtMs} ms`;
  const from = a.fromMs === firstMs ? 'at every latency swept' : `from ${a.fromMs} ms on`;
  return `within 10% of each other ${from}${a.undecidedAtMs === undefined ? '' : ` (${a.undecidedAtMs} ms undecided)`}${point}`;
}

/** `35% (31-39%)`; one decimal under 10% (`0.4% (0.1-0.8%)`), where whole percents would read 0. */
function change(estimate: number, low: number, high: number): string {
  const digits = Math.abs(estimate) < 0.095 ? 1 : 0;
  const p = (x: number) => (x * 100).toFixed(digits);
  return `${p(estimate)}% (${p(low)}-${p(high)}%)`;
}

/** What the variant changes, as its records say: the interpreter (--python a,b), else the data access, else the server, else the driver; undefined when none differs. */
function whatDiffers(results: Results, pair: Pick<VariantPair, 'base' | 'variant'>): string | undefined {
  const v = results.apps[pair.variant];
  const b = results.apps[pair.base];
  if (!v || !b) return undefined;
  const python = (r: typeof v) => `Python ${r.pythonVersion}${r.freeThreaded ? ' (free-threaded)' : ''}`;
  if (v.interpreterOf !== undefined && v.interpreterOf === b.interpreterOf) return `${python(v)} instead of ${python(b)}`;
  if (v.dataAccess && b.dataAccess && v.dataAccess.kind !== b.dataAccess.kind) return v.dataAccess.kind === 'orm' ? 'The ORM' : 'Raw SQL';
  if (v.server !== b.server) return `${v.server} instead of ${b.server}`;
  if (v.dataAccess && b.dataAccess && v.dataAccess.driver !== b.dataAccess.driver) return `${v.dataAccess.driver} instead of ${b.dataAccess.driver}`;
  return undefined;
}

/**
 * Pure: one sentence from the numbers. A column whose interval lies wholly below 1 is a cost
 * (`costs 35% (31-39%) on db`), wholly above a gain; one that straddles or touches 1 tells no
 * difference; one without an interval (fewer than 3 repeats) gives its ratio and says so.
 */
export function pairSentence(results: Results, pair: Omit<VariantPair, 'sentence'>): string {
  const base = displayName(results, pair.base);
  const variant = displayName(results, pair.variant);
  const costs: string[] = [];
  const gains: string[] = [];
  const none: string[] = [];
  const unsure: string[] = [];
  let fewest = Number.POSITIVE_INFINITY;
  for (const c of pair.columns) {
    const on = `on ${columnWords(results, c)}`;
    const i = c.interval;
    if (!i) {
      unsure.push(`${c.ratio.toFixed(2)}x ${on}`);
      fewest = Math.min(fewest, c.repeats);
      continue;
    }
    const side = sideOf(i, 1);
    if (side === 'below') costs.push(`${change(1 - c.ratio, 1 - i.high, 1 - i.low)} ${on}`);
    else if (side === 'above') gains.push(`${change(c.ratio - 1, i.low - 1, i.high - 1)} ${on}`);
    else none.push(columnWords(results, c));
  }
  const clauses = [
    ...(costs.length ? [`costs ${costs.join(', ')}`] : []),
    ...(gains.length ? [`faster by ${gains.join(', ')}`] : []),
    ...(none.length ? [`no difference can be told on ${none.join(', ')}`] : []),
    ...(unsure.length ? [`${unsure.join(', ')} of ${base}'s requests/s, no interval (${fewest} repeat${fewest === 1 ? '' : 's'})`] : []),
    ...(pair.columns.length ? [] : ['no column where both were measured comparably']),
    ...pair.crossovers.map((x) => {
      const rtt = pair.crossovers.length > 1 ? ` (rtt ${x.dbRttMs ?? 0} ms)` : '';
      const first = Math.min(...pair.columns.filter((c) => c.dbLatencyMs !== undefined && (c.dbRttMs ?? 0) === (x.dbRttMs ?? 0)).map((c) => c.dbLatencyMs!));
      return `crossover${rtt} ${crossoverMove(results, pair, x)}${x.alike ? `, ${alikeWords(x.alike, first)}` : ''}`;
    }),
  ];
  const what = whatDiffers(results, pair);
  return `${what ? `${what} (${variant})` : variant} against ${base}: ${clauses.join('; ')}.`;
}
