import type { Analysis } from '../analysis/analyze.ts';
import { flagNames, type LeftOut } from '../report/exporters/tracked.ts';
import type { Results } from '../results/schema.ts';

/** The one object `--json` prints on stdout: enough for a script to decide without parsing tables. */
export interface RunSummary {
  runId: string;
  status: Results['status'];
  outDir: string;
  cells: {
    id: string;
    status: string;
    rps: number | null;
    /** The 95% interval of rps (3 repeats or more), and of the cell's share of the fastest in its column. */
    rpsInterval: { low: number; high: number } | null;
    shareOfFastest: { estimate: number; low: number; high: number } | null;
    latencyP99Ms: number | null;
    labels: string[];
  }[];
  crossover: {
    overallMs: number | null;
    perFramework: Record<string, number | null>;
    /** The statistical statement (analysis/verdict.ts): converged, never or undecided, and the sentence the reports lead with. */
    verdict: { answer: string; fromMs: number | null; undecidedAtMs: number | null; basis: string; rounds: number; sentence: string } | null;
  } | null;
  /** Cells left out of benchmark-action*.json, with the reason. */
  leftOut: LeftOut[];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Pure. Labels: the bottleneck label, then any flags (loadgen-bound, noisy, errors, failed, unmeasured). */
export function runSummary(results: Results, analysis: Analysis, outDir: string, leftOut: LeftOut[]): RunSummary {
  return {
    runId: results.runId,
    status: results.status,
    outDir,
    cells: analysis.cells.map((c) => ({
      id: c.id,
      status: c.status,
      rps: finite(c.rps.median),
      rpsInterval: c.rpsInterval ? { low: c.rpsInterval.low, high: c.rpsInterval.high } : null,
      shareOfFastest: c.shareOfFastestInterval ?? null,
      latencyP99Ms: finite(c.latencyP99Ms),
      labels: [...(c.attribution ? [c.attribution.label] : []), ...flagNames(c)],
    })),
    crossover: analysis.crossover
      ? {
          overallMs: analysis.crossover.overallMs ?? null,
          perFramework: Object.fromEntries(analysis.crossover.perFramework.map((p) => [p.framework, p.crossoverMs ?? null])),
          verdict: analysis.crossover.verdict
            ? {
                answer: analysis.crossover.verdict.answer,
                fromMs: analysis.crossover.verdict.fromMs ?? null,
                undecidedAtMs: analysis.crossover.verdict.undecidedAtMs ?? null,
                basis: analysis.crossover.verdict.basis,
                rounds: analysis.crossover.verdict.rounds,
                sentence: analysis.crossover.verdict.sentence,
              }
            : null,
        }
      : null,
    leftOut,
  };
}
