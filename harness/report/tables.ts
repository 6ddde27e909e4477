import { analyze } from '../analysis/analyze.ts';
import { shortLabels } from '../analysis/attribution.ts';
import { disturbedCellIds } from '../analysis/neighbours.ts';
import { columnSettingLatency } from '../analysis/setting-latency.ts';
import { type Column, columnKey } from '../analysis/summary.ts';
import type { Analysis, AnalyzedCell } from '../analysis/types.ts';
import { fmtSpeedRange } from '../resources/speed.ts';
import type { Results, SpeedReading } from '../results/schema.ts';
import { ceilingsTable, crossoverTables, evidenceTable } from './analysis-tables.ts';
import { baselineTable } from './baseline-table.ts';
import { cellText, DISTURBED_MARK, DISTURBED_NOTE, displayName, disturbedNotes, fmtMs, fmtPct, fmtRps, OFF_NOTE, settingLabel, type Table } from './format.ts';
import { latencySweepTables } from './latency-tables.ts';
import { cellsLeftOut } from './leading.ts';
import { paramSweepTables } from './param-sweep-table.ts';
import { roundsLines, trendLines } from './rounds.ts';
import { updatesNotes } from './updates-notes.ts';
import { variantTable } from './variant-table.ts';

export { ceilingsTable, crossoverTable, crossoverTables, evidenceTable, predictionTable } from './analysis-tables.ts';
export type { Table } from './format.ts';
export { displayName, fmtPct, fmtRps } from './format.ts';

/** `1 ms (eff 2.1!)` for a slow-db column: its setting as the crossover and the charts name it. */
const columnLatency = (analysis: Analysis, cell: AnalyzedCell): string =>
  settingLabel(columnSettingLatency(analysis, { ...cell, dbLatencyMs: cell.dbLatencyMs! }));

/** True when some slow-db column's effective latency is marked as off. */
const anyOff = (columns: Column[]) => columns.some((c) => c.label.includes('!)'));

/** Frameworks x columns, in plan order. */
export function grid(
  results: Results,
  analysis: Analysis,
): { columns: Column[]; frameworks: string[]; at: (f: string, c: Column) => AnalyzedCell | undefined } {
  const columns: Column[] = [];
  const multipleConnections = new Set(results.cells.map((c) => c.connections)).size > 1;
  for (const cell of analysis.cells) {
    const key = columnKey(cell);
    if (columns.some((c) => c.key === key)) continue;
    const latency = cell.dbLatencyMs === undefined ? '' : ` ${columnLatency(analysis, cell)}`;
    const rtt = cell.dbRttMs ? ` rtt ${cell.dbRttMs}` : '';
    columns.push({
      key,
      label: `${cell.scenario}${latency}${rtt}${multipleConnections ? ` c${cell.connections}` : ''}`,
      scenario: cell.scenario,
      connections: cell.connections,
      dbLatencyMs: cell.dbLatencyMs,
    });
  }
  const byKey = new Map(analysis.cells.map((c) => [`${c.framework}|${columnKey(c)}`, c]));
  const frameworks = results.config.frameworks.filter((f) => analysis.cells.some((c) => c.framework === f));
  return { columns, frameworks, at: (f, c) => byKey.get(`${f}|${c.key}`) };
}

function rpsText(c: AnalyzedCell): string {
  // The 95% interval of the median where there are enough rounds for one (analysis/ratios.ts), else the min-max of the repeats.
  const i = c.rpsInterval;
  const range = i ? ` (${fmtRps(i.low)}-${fmtRps(i.high)})` : c.rps.n > 1 ? ` (${fmtRps(c.rps.min)}-${fmtRps(c.rps.max)})` : '';
  const flags = [c.noisy ? 'noisy' : '', c.errors + c.non2xx + c.timeouts > 0 ? 'errors' : '', c.attribution?.flagged ? 'loadgen-bound' : ''].filter(Boolean);
  return `${fmtRps(c.rps.median)}${range}${flags.length ? ` [${flags.join(', ')}]` : ''}`;
}

export function throughputTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  const repeats = results.config.repeat;
  return {
    title: `Requests per second (2xx responses/s${repeats > 1 ? `, median of ${repeats}${analysis.cells.some((c) => c.rpsInterval) ? ' with its 95% interval' : ' with min-max'}` : ''})`,
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [displayName(results, f), ...columns.map((c) => cellText(at(f, c), rpsText))]),
    notes: [
      'noisy: repeats vary by more than 5% (coefficient of variation); loadgen-bound: the load generator was saturated, so this is not a framework number.',
      ...disturbedNotes(analysis.cells),
      ...dataAccessNotes(results, frameworks),
      ...(anyOff(columns) ? [OFF_NOTE] : []),
    ],
  };
}

/** `68% (66-70)`: the share of the fastest with its 95% interval when it has one. */
function shareText(c: AnalyzedCell): string {
  const i = c.shareOfFastestInterval;
  // The fastest is its own yardstick (exactly 100%): no interval to print.
  return i && i.high > i.low ? `${fmtPct(c.shareOfFastest)} (${(i.low * 100).toFixed(0)}-${(i.high * 100).toFixed(0)})` : fmtPct(c.shareOfFastest);
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
          x.attribution?.flagged ? 'loadgen-bound' : `${shareText(x)}${x.shareOfDbCeiling !== undefined ? ` (db ${fmtPct(x.shareOfDbCeiling)})` : ''}`,
        ),
      ),
    ]),
    notes: [
      ...(analysis.cells.some((c) => c.shareOfFastestInterval)
        ? [
            'In brackets after a share: its 95% bootstrap interval. Where rounds pair the frameworks (interleaved repeats), the share is the median of the per-round ratios to the fastest and whole rounds are resampled (docs/analysis.md).',
          ]
        : []),
      ...roundsLines(results),
      "db: requests/s as a share of the database ceiling measured in this run for the same SQL, over the app's own statement protocol, with all of the connection cap busy. Above 100% means the database served the app more efficiently at the lower concurrency the app reached (on a shared core, fewer busy backends switch less).",
      "loadgen-bound cells are left out of the comparison: their number is the load generator's.",
      ...disturbedNotes(analysis.cells),
    ],
  };
}

/** Labels only, compactly; evidenceTable carries the figures. */
export function attributionTable(results: Results, analysis: Analysis): Table {
  const { columns, frameworks, at } = grid(results, analysis);
  return {
    title: 'Bottleneck per cell (every limit that holds)',
    head: ['framework', ...columns.map((c) => c.label)],
    rows: frameworks.map((f) => [
      displayName(results, f),
      ...columns.map((c) => cellText(at(f, c), (x) => (x.attribution ? shortLabels(x.attribution.labels) : '-'))),
    ]),
    notes: [
      "fw (framework): app CPU >= 85% of its cores; pool (connection pool): >= 85% of connection cap / effective database latency (Little's law); conc: the same bound, set by fewer app threads or load generator connections; db (database): >= 85% of the database ceiling of the app's protocol (unless that ceiling is itself the pool's), or database CPU >= 90%; dbcpu (database CPU): database CPU >= 90% of its cores; locks (lock waits): on average >= 25% of the app's active database backends waited on a lock; commit (commit latency): >= 25% waited on a commit's WAL flush; loadgen: its CPU >= 90%, >= 85% of its ceiling, or the core it shares with the database >= 95%; ?: none of these. a+b: both hold.",
      ...disturbedNotes(analysis.cells),
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
    notes: [
      "Timed from every response in the measured window at microsecond resolution (HDR histogram); runs recorded before that used autocannon's whole-millisecond histogram, where p50 of a fast app can read 0.",
      ...disturbedNotes(analysis.cells),
    ],
  };
}

export function crossCheckTable(results: Results): Table | undefined {
  const checked = results.cells.filter((c) => c.crossCheck);
  if (checked.length === 0) return undefined;
  const disturbed = disturbedCellIds(results);
  return {
    title: 'Cross-check against wrk (same CPUs, connections and duration)',
    head: ['cell', 'autocannon', 'wrk', 'ratio'],
    rows: checked.map((c) => [
      `${c.id}${disturbed.has(c.id) ? DISTURBED_MARK : ''}`,
      fmtRps(c.repeats[0]?.measurement.rps),
      fmtRps(c.crossCheck!.rps),
      `${c.crossCheck!.ratio.toFixed(2)}${c.crossCheck!.flagged ? ' FLAGGED' : ''}`,
    ]),
    notes: [
      'A ratio outside 0.9-1.1 means the two load generators disagree: that cell is flagged.',
      ...(checked.some((c) => disturbed.has(c.id)) ? [DISTURBED_NOTE] : []),
    ],
  };
}

export function failuresTable(results: Results): Table | undefined {
  const { failed, unmeasured } = cellsLeftOut(results);
  if (failed.length + unmeasured.length === 0) return undefined;
  return {
    title: unmeasured.length ? 'Failed and unmeasured cells (not in the tables)' : 'Failed cells (not in the tables)',
    head: ['cell', 'stage', 'reason'],
    rows: [
      ...failed.map((c) => [c.id, c.failure?.stage ?? '-', c.failure?.reason ?? 'no repeat measured']),
      ...unmeasured.map((c) => [c.id, '-', 'never reached: the run stopped before this cell']),
    ],
    notes: [],
  };
}

export interface TableOptions {
  /** Include the long evidence table (Markdown, HTML, verbose terminal). Default true. */
  evidence?: boolean;
  /** A precomputed analyze(results), to avoid computing it again. */
  analysis?: Analysis;
}

/** Every table of a run, in reading order. Pure. */
export function buildTables(results: Results, options: TableOptions = {}): Table[] {
  const analysis = options.analysis ?? analyze(results);
  return [
    ...crossoverTables(results, analysis),
    ...paramSweepTables(results, analysis),
    throughputTable(results, analysis),
    shareTable(results, analysis),
    baselineTable(results, analysis),
    variantTable(results, analysis),
    attributionTable(results, analysis),
    ...(options.evidence === false ? [] : [evidenceTable(results, analysis)]),
    latencyTable(results, analysis),
    ...latencySweepTables(results, analysis),
    ceilingsTable(results),
    crossCheckTable(results),
    failuresTable(results),
  ].filter((t): t is Table => t !== undefined);
}

/** `Data access: Django: ORM, psycopg, simple protocol, json (stdlib) serializer; ...` when apps declare it. */
export function dataAccessNotes(results: Results, frameworks: string[]): string[] {
  const parts = frameworks.flatMap((f) => {
    const d = results.apps[f]?.dataAccess;
    return d ? [`${displayName(results, f)}: ${d.kind === 'orm' ? 'ORM' : 'raw SQL'}, ${d.driver}, ${d.protocol} protocol, ${d.serializer} serializer`] : [];
  });
  return parts.length ? [`Data access: ${parts.join('; ')}.`] : [];
}

/** Machine, layout, durations, repeats and versions: what a reader needs to compare. */
export function footnote(results: Results): string[] {
  const m = results.machine;
  const c = results.config;
  const l = results.cpuLayout;
  const versions = Object.entries(results.apps).map(([name, a]) => {
    const pkgs = Object.entries(a.keyPackages)
      .map(([p, v]) => `${p} ${v}`)
      .join(', ');
    const s = a.settings;
    const image = a.imageId ? `, image ${a.imageId.replace('sha256:', '').slice(0, 12)} from ${a.baseImage}` : '';
    return `${name}: ${a.server} (${s.workers} worker(s) x ${s.threads} thread(s), pool ${s.poolSize}/worker, ${s.connectionCap} DB connections, concurrency limit ${s.concurrencyLimit}), Python ${a.pythonVersion}${image}; ${pkgs}`;
  });
  const drift = results.drift
    ? [
        `Drift check: ${results.drift.cellId} measured ${fmtRps(results.drift.firstRps)} then ${fmtRps(results.drift.lastRps)} req/s at the end (${(results.drift.change * 100).toFixed(1)}%)${results.drift.flagged ? ': FLAGGED, the machine was not steady' : ''}.`,
      ]
    : [];
  const sp = results.speed;
  const ms = (r: SpeedReading) => `compute ${fmtSpeedRange(r.computeMs)}, cache ${fmtSpeedRange(r.cacheMs)}, memory ${fmtSpeedRange(r.memoryMs)}`;
  const speed = sp
    ? [`Machine speed (the same fixed work, median and range): ${ms(sp.start)} before the first cell${sp.end ? `; ${ms(sp.end)} after the last` : ''}.`]
    : [];
  const waited = results.machineWaitS
    ? [`Waited ${Math.round(results.machineWaitS)} s for another run's measurements before the first load (the measuring lock; not part of this run's work).`]
    : [];
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.kernel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}.`,
    `CPU layout: app on CPU ${l.appCpus.join(',')}, database on ${l.dbCpus.join(',')}, load generator on ${l.loadgenCpus.join(',')}${l.pinned ? '' : ' (NOT pinned: taskset missing)'}${l.shared ? ` (shared: ${l.note})` : ''}.`,
    `Runtime: ${results.runtime.kind} (${results.runtime.reason}). Database: ${results.database.kind}, ${results.database.version.split(' on ')[0]}.`,
    `Profile ${c.profile}: ${c.warmupS} s warm-up, ${c.durationS} s measured, ${c.stopping ? `rounds side by side until every ratio to the fastest is within ±${Number((c.stopping.targetHalfWidth * 100).toFixed(1))}% or ${c.stopping.budgetS} s are spent (all apps up; the frameworks of a cell back to back, in a random order per round, seed ${c.seed})` : `${c.repeat} repeat(s)${c.schedule === 'side-by-side' ? ` side by side (all apps up; the frameworks of a cell back to back, in a random order per round, seed ${c.seed})` : c.interleave && c.repeat > 1 ? ' interleaved across frameworks' : ''}`}, ${c.connections.join('/')} connections, autocannon. Run ${results.runId}, status ${results.status}.`,
    ...updatesNotes(results),
    ...roundsLines(results),
    ...drift,
    ...trendLines(results),
    ...speed,
    ...waited,
    ...results.warnings.filter((w) => w.code !== 'SHARED_CORES').map((w) => `Warning (${w.code}): ${w.message}${w.hint ? `; ${w.hint}` : ''}.`),
    ...versions,
  ];
}
