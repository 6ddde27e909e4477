import { layoutTable, type CellSummary } from '../analysis/summary.ts';
import type { Results } from '../results/schema.ts';

/** A table as data; renderers turn it into terminal, Markdown or CSV text. */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  notes: string[];
}

export function fmtRps(rps: number): string {
  if (!Number.isFinite(rps)) return '-';
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

export function fmtPct(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? '-' : `${(share * 100).toFixed(0)}%`;
}

function fmtMs(ms: number): string {
  return !Number.isFinite(ms) ? '-' : ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

function rpsCell(s: CellSummary | undefined): string {
  if (!s) return '';
  if (s.status === 'failed') return 'FAILED';
  const range = s.rps.n > 1 ? ` (${fmtRps(s.rps.min)}-${fmtRps(s.rps.max)})` : '';
  const flags = [s.noisy ? 'noisy' : '', s.errors + s.non2xx + s.timeouts > 0 ? 'errors' : ''].filter(Boolean);
  return `${fmtRps(s.rps.median)}${range}${flags.length ? ` [${flags.join(', ')}]` : ''}`;
}

export function throughputTable(results: Results): Table {
  const { columns, frameworks, byKey } = layoutTable(results);
  const repeats = results.config.repeat;
  return {
    title: `Requests per second (2xx responses/s${repeats > 1 ? `, median of ${repeats} with min-max` : ''})`,
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [displayName(results, f), ...columns.map((c) => rpsCell(byKey.get(`${f}|${c.key}`)))]),
    notes: [],
  };
}

export function latencyTable(results: Results): Table {
  const { columns, frameworks, byKey } = layoutTable(results);
  return {
    title: 'Latency in ms: mean / p50 / p99',
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [
      displayName(results, f),
      ...columns.map((c) => {
        const s = byKey.get(`${f}|${c.key}`);
        if (!s) return '';
        if (s.status === 'failed') return 'FAILED';
        return `${fmtMs(s.latencyMeanMs)} / ${fmtMs(s.latencyP50Ms)} / ${fmtMs(s.latencyP99Ms)}`;
      }),
    ]),
    notes: ["autocannon's histogram counts whole milliseconds, so p50 of a fast app can read 0; the mean is exact."],
  };
}

export function failuresTable(results: Results): Table | undefined {
  const failed = results.cells.filter((c) => c.status === 'failed' || c.repeats.length === 0);
  if (failed.length === 0) return undefined;
  return {
    title: 'Failed cells (not measured)',
    head: ['cell', 'stage', 'reason'],
    rows: failed.map((c) => [c.id, c.failure?.stage ?? '-', c.failure?.reason ?? 'not measured (run interrupted?)']),
    notes: [],
  };
}

export function displayName(results: Results, framework: string): string {
  return results.apps[framework]?.displayName ?? framework;
}

/** Machine, layout, durations, repeats and versions: what a reader needs to compare. */
export function footnote(results: Results): string[] {
  const m = results.machine;
  const c = results.config;
  const l = results.cpuLayout;
  const versions = Object.entries(results.apps).map(([name, a]) => {
    const pkgs = Object.entries(a.keyPackages).map(([p, v]) => `${p} ${v}`).join(', ');
    const s = a.settings;
    return `${name}: ${a.server} (${s.workers} worker(s) x ${s.threads} thread(s), pool ${s.poolSize}/worker, ${s.connectionCap} DB connections), Python ${a.pythonVersion}; ${pkgs}`;
  });
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.kernel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}.`,
    `CPU layout: app on ${l.appCpus.join(',')}, database on ${l.dbCpus.join(',')}, load generator on ${l.loadgenCpus.join(',')}${l.pinned ? '' : ' (NOT pinned: taskset missing)'}${l.shared ? ` (shared: ${l.note})` : ''}.`,
    `Runtime: ${results.runtime.kind} (${results.runtime.reason}). Database: ${results.database.kind}, ${results.database.version.split(' on ')[0]}.`,
    `Profile ${c.profile}: ${c.warmupS} s warm-up, ${c.durationS} s measured, ${c.repeat} repeat(s), ${c.connections.join('/')} connections, autocannon. Run ${results.runId}, status ${results.status}.`,
    ...versions,
  ];
}
