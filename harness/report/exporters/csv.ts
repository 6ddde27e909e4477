import { columnKey } from '../../analysis/summary.ts';
import { renderCsv } from '../render.ts';
import { flagNames } from './tracked.ts';
import type { Exporter } from './types.ts';

const HEAD = [
  'run_id',
  'profile',
  'started_at',
  'commit',
  'cpu_model',
  'cores',
  'cell',
  'framework',
  'scenario',
  'connections',
  'db_latency_ms',
  'status',
  'flags',
  'rps_median',
  'rps_min',
  'rps_max',
  'rps_cv',
  'repeats',
  'latency_mean_ms',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'errors',
  'timeouts',
  'non2xx',
  'app_cpu',
  'db_cpu',
  'loadgen_cpu',
  'bottleneck',
  'db_ceiling_rps',
  'little_bound_rps',
  'share_of_fastest',
  'failure',
  // Appended, so scripts that read the columns above by position keep working.
  'rps_ci_low',
  'rps_ci_high',
  'share_ci_low',
  'share_ci_high',
  // --baseline: requests/s as a multiple of the baseline framework's in the same column.
  'baseline',
  'baseline_ratio',
  'baseline_ci_low',
  'baseline_ci_high',
  // A variant's cells: requests/s as a multiple of its base app's in the same column (analysis.variants).
  'variant_of',
  'variant_ratio',
  'variant_ci_low',
  'variant_ci_high',
  // Every limit that holds (a+b), and what the app's database backends did (db/activity.ts): the mean active, and the shares of them on locks, commits, CPU.
  'bottlenecks',
  'db_active_backends',
  'db_lock_share',
  'db_commit_share',
  'db_oncpu_share',
];

/** ISO 8601 in UTC; a start time that does not parse is kept as written. */
const utc = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : new Date(iso).toISOString());

const num = (v: number | undefined, digits = 2) => (v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits));

/**
 * results.csv: one row per cell, with the run's identity and machine on every row so
 * nightly files can be stacked. Spread columns are empty with one repeat (no spread was
 * measured); share_of_fastest is empty for flagged cells (their number is not comparable).
 * The *_ci_* columns are the 95% bootstrap intervals (docs/analysis.md), empty below 3 repeats.
 * variant_*: on a variant's rows, its multiple of its base app in that column (docs/variants.md).
 * db_*_share: empty on cells without sampled database waits (json, plaintext, results from before them).
 */
export const csvExporter: Exporter = {
  file: 'results.csv',
  serialize(results, analysis) {
    const run = [results.runId, results.config.profile, utc(results.startedAt), results.tool.commit ?? '', results.machine.cpuModel, results.machine.cores];
    const rows = analysis.cells.map((s) => {
      const flags = flagNames(s);
      const pair = analysis.variants?.find((p) => p.variant === s.framework);
      const vs = pair?.columns.find((c) => c.key === columnKey(s));
      const spread = s.rps.n > 1;
      return [
        ...run,
        s.id,
        s.framework,
        s.scenario,
        s.connections,
        s.dbLatencyMs ?? '',
        s.status,
        flags.join(';'),
        num(s.rps.median, 1),
        spread ? num(s.rps.min, 1) : '',
        spread ? num(s.rps.max, 1) : '',
        spread ? num(s.rps.cv, 4) : '',
        s.rps.n,
        num(s.latencyMeanMs),
        num(s.latencyP50Ms),
        num(s.latencyP90Ms),
        num(s.latencyP99Ms),
        s.errors,
        s.timeouts,
        s.non2xx,
        num(s.appCpu, 3),
        num(s.dbCpu, 3),
        num(s.loadgenCpu, 3),
        s.attribution?.label ?? '',
        num(s.dbCeilingRps, 1),
        num(s.littleBoundRps, 1),
        flags.length ? '' : num(s.shareOfFastest, 3),
        s.failure ?? '',
        num(s.rpsInterval?.low, 1),
        num(s.rpsInterval?.high, 1),
        flags.length ? '' : num(s.shareOfFastestInterval?.low, 3),
        flags.length ? '' : num(s.shareOfFastestInterval?.high, 3),
        s.toBaseline?.framework ?? '',
        num(s.toBaseline?.ratio, 3),
        num(s.toBaseline?.interval?.low, 3),
        num(s.toBaseline?.interval?.high, 3),
        vs ? pair!.base : '',
        num(vs?.ratio, 3),
        num(vs?.interval?.low, 3),
        num(vs?.interval?.high, 3),
        s.attribution?.labels.join('+') ?? '',
        num(s.dbWaits?.active, 2),
        num(s.dbWaits?.lock, 3),
        num(s.dbWaits?.commit, 3),
        num(s.dbWaits?.onCpu, 3),
      ];
    });
    return renderCsv(HEAD, rows);
  },
};
