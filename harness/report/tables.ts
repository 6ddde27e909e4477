import { analyze, type AnalyzedCell, type Analysis } from '../analysis/analyze.ts';
import { columnKey, type Column } from '../analysis/summary.ts';
import type { Results } from '../results/schema.ts';

/** A table as data; renderers turn it into terminal, Markdown or CSV text. */
export interface Table {
  title: string;
  head: string[];
  rows: string[][];
  notes: string[];
}

export function fmtRps(rps: number | undefined): string {
  if (rps === undefined || !Number.isFinite(rps)) return '-';
  return rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1);
}

export function fmtPct(share: number | undefined): string {
  return share === undefined || !Number.isFinite(share) ? '-' : `${(share * 100).toFixed(0)}%`;
}

function fmtMs(ms: number): string {
  return !Number.isFinite(ms) ? '-' : ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

export function displayName(results: Results, framework: string): string {
  return results.apps[framework]?.displayName ?? framework;
}

/** Frameworks x columns, in plan order. */
function grid(results: Results, analysis: Analysis): { columns: Column[]; frameworks: string[]; at: (f: string, c: Column) => AnalyzedCell | undefined } {
  const columns: Column[] = [];
  const multipleConnections = new Set(results.cells.map((c) => c.connections)).size > 1;
  for (const cell of analysis.cells) {
    const key = columnKey(cell);
    if (columns.some((c) => c.key === key)) continue;
    const latency = cell.dbLatencyMs === undefined ? '' : ` ${cell.dbLatencyMs}ms`;
    columns.push({ key, label: `${cell.scenario}${latency}${multipleConnections ? ` c${cell.connections}` : ''}`, scenario: cell.scenario, connections: cell.connections, dbLatencyMs: cell.dbLatencyMs });
  }
  const byKey = new Map(analysis.cells.map((c) => [`${c.framework}|${columnKey(c)}`, c]));
  const frameworks = results.config.frameworks.filter((f) => analysis.cells.some((c) => c.framework === f));
  return { columns, frameworks, at: (f, c) => byKey.get(`${f}|${c.key}`) };
}

function cellText(c: AnalyzedCell | undefined, value: (c: AnalyzedCell) => string): string {
  if (!c) return '';
  return c.status === 'failed' ? 'FAILED' : value(c);
}

function rpsText(c: AnalyzedCell): string {
  const range = c.rps.n > 1 ? ` (${fmtRps(c.rps.min)}-${fmtRps(c.rps.max)})` : '';
  const flags = [c.noisy ? 'noisy' : '', c.errors + c.non2xx + c.timeouts > 0 ? 'errors' : '', c.attribution?.flagged ? 'loadgen-bound' : ''].filter(Boolean);
  return `${fmtRps(c.rps.median)}${range}${flags.length ? ` [${flags.join(', ')}]` : ''}`;
}

export function throughputTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  const repeats = results.config.repeat;
  return {
    title: `Requests per second (2xx responses/s${repeats > 1 ? `, median of ${repeats} with min-max` : ''})`,
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [displayName(results, f), ...columns.map((c) => cellText(at(f, c), rpsText))]),
    notes: [
      'noisy: repeats vary by more than 5% (coefficient of variation); loadgen-bound: the load generator was saturated, so this is not a framework number.',
    ],
  };
}

export function shareTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  return {
    title: 'Share of the fastest framework per column (and of the database ceiling)',
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [
      displayName(results, f),
      ...columns.map((c) =>
        cellText(at(f, c), (x) =>
          x.attribution?.flagged ? 'loadgen-bound' : `${fmtPct(x.shareOfFastest)}${x.shareOfDbCeiling !== undefined ? ` (db ${fmtPct(x.shareOfDbCeiling)})` : ''}`,
        ),
      ),
    ]),
    notes: [
      'db: requests/s as a share of the database ceiling measured in this run for the same SQL with all of the connection cap busy. Above 100% means the database served the app more efficiently at the lower concurrency the app reached (on a shared core, fewer busy backends switch less).',
      'loadgen-bound cells are left out of the comparison: their number is the load generator\'s.',
    ],
  };
}

export function attributionTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  return {
    title: 'Bottleneck per cell, with the evidence',
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [
      displayName(results, f),
      ...columns.map((c) => cellText(at(f, c), (x) => (x.attribution ? `${x.attribution.label}: ${x.attribution.evidence.join(', ')}` : '-'))),
    ]),
    notes: [
      'framework: app CPU >= 85% of its cores; concurrency limit: >= 85% of min(connections, app concurrency, connection cap) / latency; database: >= 85% of the database ceiling or database CPU >= 90%; load generator: its CPU >= 90% (or the core it shares with the database >= 95%).',
    ],
  };
}

export function latencyTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  return {
    title: 'Latency in ms: mean / p50 / p99',
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [
      displayName(results, f),
      ...columns.map((c) => cellText(at(f, c), (x) => `${fmtMs(x.latencyMeanMs)} / ${fmtMs(x.latencyP50Ms)} / ${fmtMs(x.latencyP99Ms)}`)),
    ]),
    notes: ["autocannon's histogram truncates to whole milliseconds, so p50 of a fast app can read 0; the mean is summed from every response's exact time."],
  };
}

export function ceilingsTable(results: Results): Table | undefined {
  if (results.ceilings.length === 0) return undefined;
  return {
    title: 'Ceilings measured in this run',
    head: ['ceiling', 'connections', 'requests/s', 'how'],
    rows: results.ceilings.map((c) => [
      c.kind === 'loadgen' ? 'load generator' : `database: ${c.scenario}${c.dbLatencyMs === undefined ? '' : ` ${c.dbLatencyMs}ms`}`,
      String(c.connections),
      fmtRps(c.rps),
      `${c.note}${c.cpuMeanUtil !== undefined ? `; loadgen CPU ${fmtPct(c.cpuMeanUtil)}` : ''}`,
    ]),
    notes: [],
  };
}

export function crossoverTable(results: Results, analysis: Analysis): Table | undefined {
  const x = analysis.crossover;
  if (!x) return undefined;
  const label = (l: string | undefined) => (l === 'concurrency limit' ? 'conc' : l === 'load generator' ? 'loadgen' : l === 'undetermined' ? '?' : (l ?? '?'));
  const connections = results.config.connections[0]!;
  const rows = x.perFramework.map(({ framework, crossoverMs }) => [
    displayName(results, framework),
    ...x.latencies.map((ms) => {
      const c = analysis.cells.find((y) => y.framework === framework && y.kind === 'slow-db' && y.dbLatencyMs === ms && y.connections === connections);
      return cellText(c, (y) => `${fmtRps(y.rps.median)} ${label(y.attribution?.label)}`);
    }),
    crossoverMs === undefined ? 'not in sweep' : `${crossoverMs} ms`,
  ]);
  rows.push(['spread', ...x.latencies.map((ms) => fmtPct(x.spreadByLatency.find((s) => s.dbLatencyMs === ms)?.spread)), '']);
  return {
    title: `The crossover: slow-db requests/s and bottleneck by database latency (c${connections})`,
    head: ['framework', ...x.latencies.map((ms) => `${ms} ms`), 'db-bound from'],
    rows,
    notes: [
      x.overallMs === undefined
        ? 'Frameworks never came within 10% of each other in this sweep.'
        : `From ${x.overallMs} ms of database latency on, every framework lies within 10% of the fastest: past that point, framework choice stops mattering for this workload.`,
      'spread: (fastest - slowest) / fastest. conc: concurrency limit (Little\'s law), database: near the database ceiling, framework: app CPU saturated.',
    ],
  };
}

export function crossCheckTable(results: Results): Table | undefined {
  const checked = results.cells.filter((c) => c.crossCheck);
  if (checked.length === 0) return undefined;
  return {
    title: 'Cross-check against wrk (same CPUs, connections and duration)',
    head: ['cell', 'autocannon', 'wrk', 'ratio'],
    rows: checked.map((c) => [c.id, fmtRps(c.repeats[0]?.measurement.rps), fmtRps(c.crossCheck!.rps), `${c.crossCheck!.ratio.toFixed(2)}${c.crossCheck!.flagged ? ' FLAGGED' : ''}`]),
    notes: ['A ratio outside 0.9-1.1 means the two load generators disagree: that cell is flagged.'],
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

/** Every table of a run, in reading order. Pure. */
export function buildTables(results: Results): Table[] {
  const analysis = analyze(results);
  return [
    throughputTable(results, analysis),
    shareTable(results, analysis),
    attributionTable(results, analysis),
    latencyTable(results, analysis),
    ceilingsTable(results),
    crossoverTable(results, analysis),
    crossCheckTable(results),
    failuresTable(results),
  ].filter((t): t is Table => t !== undefined);
}

/** Machine, layout, durations, repeats and versions: what a reader needs to compare. */
export function footnote(results: Results): string[] {
  const m = results.machine;
  const c = results.config;
  const l = results.cpuLayout;
  const versions = Object.entries(results.apps).map(([name, a]) => {
    const pkgs = Object.entries(a.keyPackages).map(([p, v]) => `${p} ${v}`).join(', ');
    const s = a.settings;
    const image = a.imageId ? `, image ${a.imageId.replace('sha256:', '').slice(0, 12)} from ${a.baseImage}` : '';
    return `${name}: ${a.server} (${s.workers} worker(s) x ${s.threads} thread(s), pool ${s.poolSize}/worker, ${s.connectionCap} DB connections, concurrency limit ${s.concurrencyLimit}), Python ${a.pythonVersion}${image}; ${pkgs}`;
  });
  const drift = results.drift
    ? [`Drift check: ${results.drift.cellId} measured ${fmtRps(results.drift.firstRps)} then ${fmtRps(results.drift.lastRps)} req/s at the end (${(results.drift.change * 100).toFixed(1)}%)${results.drift.flagged ? ': FLAGGED, the machine was not steady' : ''}.`]
    : [];
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.kernel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}.`,
    `CPU layout: app on CPU ${l.appCpus.join(',')}, database on ${l.dbCpus.join(',')}, load generator on ${l.loadgenCpus.join(',')}${l.pinned ? '' : ' (NOT pinned: taskset missing)'}${l.shared ? ` (shared: ${l.note})` : ''}.`,
    `Runtime: ${results.runtime.kind} (${results.runtime.reason}). Database: ${results.database.kind}, ${results.database.version.split(' on ')[0]}.`,
    `Profile ${c.profile}: ${c.warmupS} s warm-up, ${c.durationS} s measured, ${c.repeat} repeat(s)${c.interleave && c.repeat > 1 ? ' interleaved across frameworks' : ''}, ${c.connections.join('/')} connections, autocannon. Run ${results.runId}, status ${results.status}.`,
    ...drift,
    ...results.warnings.filter((w) => w.code !== 'SHARED_CORES').map((w) => `Warning (${w.code}): ${w.message}${w.hint ? `; ${w.hint}` : ''}.`),
    ...versions,
  ];
}
