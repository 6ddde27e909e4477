import type { Analysis } from '../analysis/types.ts';
import { alikeText, crossoverMove } from '../analysis/variants.ts';
import type { Results } from '../results/schema.ts';
import type { VariantColumn } from '../results/variants-schema.ts';
import { displayName, type Table } from './format.ts';
import { grid } from './tables.ts';

/** `0.65x (0.61-0.69)`: the variant's multiple of its base with its 95% interval; the multiple alone without one, as the --baseline table prints it. */
export function variantRatioText(c: VariantColumn | undefined): string {
  if (!c) return '-';
  const i = c.interval;
  return i ? `${c.ratio.toFixed(2)}x (${i.low.toFixed(2)}-${i.high.toFixed(2)})` : `${c.ratio.toFixed(2)}x`;
}

/**
 * Pure: "what moved, and by how much": one row per variant that ran with its base app, its
 * requests/s as a multiple of the base's per column and, per sweep, where each of the two
 * converged; the sentences (analysis/variants.ts) lead the notes. Undefined when no pair ran.
 */
export function variantTable(results: Results, analysis: Analysis): Table | undefined {
  const pairs = analysis.variants ?? [];
  if (pairs.length === 0) return undefined;
  const used = new Set(pairs.flatMap((p) => p.columns.map((c) => c.key)));
  const columns = grid(results, analysis).columns.filter((c) => used.has(c.key));
  const sweeps = [...new Set(pairs.flatMap((p) => p.crossovers.map((x) => x.dbRttMs ?? 0)))].sort((a, b) => a - b);
  const suffix = (rtt: number) => (sweeps.length > 1 ? ` rtt ${rtt}` : '');
  const fewest = Math.min(...pairs.flatMap((p) => p.columns.filter((c) => !c.interval).map((c) => c.repeats)));
  const point = pairs.some((p) => p.crossovers.some((x) => x.alike?.basis === 'point'));
  const sweepOf = (p: (typeof pairs)[number], rtt: number) => p.crossovers.find((s) => (s.dbRttMs ?? 0) === rtt);
  return {
    title: 'What moved: each variant as a multiple of its base app (requests/s) per column, and the crossover of each',
    head: ['variant / base', ...columns.map((c) => c.label), ...sweeps.flatMap((rtt) => [`crossover${suffix(rtt)}`, `within 10%${suffix(rtt)}`])],
    rows: pairs.map((p) => [
      `${displayName(results, p.variant)} / ${displayName(results, p.base)}`,
      ...columns.map((c) => variantRatioText(p.columns.find((x) => x.key === c.key))),
      ...sweeps.flatMap((rtt) => {
        const x = sweepOf(p, rtt);
        return x ? [crossoverMove(results, p, x), alikeText(x.alike)] : ['-', '-'];
      }),
    ]),
    notes: [
      ...pairs.map((p) => p.sentence),
      "Each figure is the variant's requests/s over its base app's in the same column, with its 95% bootstrap interval in brackets: per round when the repeats were interleaved (the median of the per-round ratios, whole rounds resampled), else a ratio of medians, as --baseline computes it (docs/analysis.md). Below 1.00 the variant is slower; an interval that contains 1.00 does not tell the two apart.",
      ...(Number.isFinite(fewest)
        ? [`A multiple without brackets has no interval (${fewest} repeat${fewest === 1 ? '' : 's'}; 3 are needed): it is a point estimate.`]
        : []),
      '-: the two apps have no comparable cell in that column (failed, or load-generator-bound), or the app was not in the sweep.',
      ...(sweeps.length
        ? [
            "crossover: each app's own, as the crossover table gives it (pool/db-bound from): the smallest swept latency from which it stays pool- or database-bound; never: not within the sweep.",
            `within 10%: from which swept latency on the variant and its base lie within 10% of each other, judged on the 95% interval of their ratio as the verdict judges each framework against the fastest; undecided: the interval straddles the 10% line at the largest latency; never: it lies outside there (docs/variants.md).${point ? ' With fewer than 3 repeats it rests on point estimates.' : ''}`,
          ]
        : []),
    ],
  };
}
