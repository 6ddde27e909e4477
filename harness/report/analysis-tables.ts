import { shortLabels } from '../analysis/attribution.ts';
import { ceilingProtocol } from '../analysis/bounds.ts';
import { disturbedRepeats } from '../analysis/neighbours.ts';
import { settingLatency } from '../analysis/setting-latency.ts';
import type { Analysis } from '../analysis/types.ts';
import type { CrossoverAnalysis, FrameworkCrossover } from '../results/analysis-schema.ts';
import type { Results } from '../results/schema.ts';
import { cellText, DISTURBED_MARK, displayName, disturbedNotes, fmtMs, fmtPct, fmtRps, fmtSignedPct, OFF_NOTE, settingLabel, type Table } from './format.ts';
import { latencyCrossoverLines } from './latency-tables.ts';

/** `disturbed in repeat 2: other processes took 48% of a core: ...` for the evidence column; undefined for a quiet cell. */
function disturbedText(results: Results, id: string): string | undefined {
  const cell = results.cells.find((c) => c.id === id);
  const each = cell ? disturbedRepeats(cell).map((r) => `disturbed in repeat ${r.repeat + 1}: ${r.text}`) : [];
  return each.length ? each.join('; ') : undefined;
}

/** Every setting of a crossover, labelled as every other table and the chart label it. */
const settingLabels = (x: CrossoverAnalysis) => x.latencies.map((ms) => settingLabel(settingLatency(x, ms)));

/** Where a framework became pool- or database-bound, named as that setting's column is. */
const measuredText = (f: FrameworkCrossover, x: CrossoverAnalysis): string =>
  f.crossoverMs === undefined ? 'not in sweep' : settingLabel(settingLatency(x, f.crossoverMs));

function predictedText(f: FrameworkCrossover): string {
  const p = f.prediction;
  if (!p) return '-';
  const step = p.predictedStepMs === undefined ? 'beyond the sweep' : `at ${p.predictedStepMs} ms`;
  return `${fmtMs(p.predictedMs)} ms, ${step}${p.disagrees ? ' DISAGREES' : ''}`;
}

/** `, round trip 0.5 ms (measured 0.55)` for a table through --db-rtt; empty on the direct path. */
function rttText(x: CrossoverAnalysis): string {
  return x.dbRttMs ? `, round trip ${x.dbRttMs} ms${x.measuredRttMs === undefined ? '' : `, measured ${x.measuredRttMs.toFixed(2)}`}` : '';
}

/** The crossovers of a run: one per round trip (--db-rtt), or the only one. */
const crossoversOf = (analysis: Analysis): CrossoverAnalysis[] => analysis.crossovers ?? (analysis.crossover ? [analysis.crossover] : []);

/** The crossover tables, one per round trip, then the prediction tables, one per round trip. */
export function crossoverTables(results: Results, analysis: Analysis): Table[] {
  const all = crossoversOf(analysis);
  return [...all.map((x) => crossoverTable(results, analysis, x)), ...all.map((x) => predictionTable(results, analysis, x))].filter(
    (t): t is Table => t !== undefined,
  );
}

/** Requests/s and label(s) per latency, the measured crossover and the Little's-law prediction. */
export function crossoverTable(results: Results, analysis: Analysis, x: CrossoverAnalysis | undefined = analysis.crossover): Table | undefined {
  if (!x) return undefined;
  const at = (framework: string, ms: number) =>
    analysis.cells.find(
      (y) =>
        y.framework === framework && y.kind === 'slow-db' && y.dbLatencyMs === ms && y.connections === x.connections && (y.dbRttMs ?? 0) === (x.dbRttMs ?? 0),
    );
  const rows = x.perFramework.map((f) => [
    displayName(results, f.framework),
    ...x.latencies.map((ms) => cellText(at(f.framework, ms), (y) => `${fmtRps(y.rps.median)} ${y.attribution ? shortLabels(y.attribution.labels) : '?'}`)),
    measuredText(f, x),
    predictedText(f),
  ]);
  rows.push(['spread', ...x.latencies.map((ms) => fmtPct(x.spreadByLatency.find((s) => s.dbLatencyMs === ms)?.spread)), '', '']);
  const overall = x.verdict
    ? x.verdict.sentence
    : x.overallMs === undefined
      ? 'Frameworks never came within 10% of each other in this sweep.'
      : `From ${settingLabel(settingLatency(x, x.overallMs))} of database latency on, every framework lies within 10% of the fastest: past that point, framework choice stops mattering for this workload.`;
  return {
    title: `The crossover: slow-db requests/s and bottleneck by database latency (c${x.connections}${rttText(x)})`,
    head: ['framework', ...settingLabels(x), 'pool/db-bound from', x.measuredRttMs ? 'predicted C / X - RTT' : 'predicted C / X'],
    rows,
    notes: [
      overall,
      // The open-loop sweep's answer to the same question for latency (docs/open-loop.md).
      ...latencyCrossoverLines(analysis),
      x.measuredRttMs
        ? `Predicted: C / X - RTT, the latency from which C connections, each held that long plus the measured ${x.measuredRttMs.toFixed(2)} ms round trip, serve fewer requests than the X req/s the framework managed on its own db cell; DISAGREES: more than one sweep step from the measured one.`
        : 'Predicted: C / X, the latency from which C connections, each held that long, serve fewer requests than the X req/s the framework managed on its own db cell; DISAGREES: more than one sweep step from the measured one.',
      ...(x.settings.some((s) => s.flagged) ? [OFF_NOTE] : []),
      ...disturbedNotes(x.perFramework.flatMap((f) => x.latencies.map((ms) => at(f.framework, ms)))),
      'spread: (fastest - slowest) / fastest. pool: the connection pool (cap x latency) binds; conc: the same bound set by fewer app threads or load generator connections; db: near the database ceiling; dbcpu: database CPU saturated; locks, commit: the app backends waited on locks or on the WAL flush of commits; fw: app CPU saturated.',
      ...x.notes,
    ],
  };
}

/** The MVA curve per framework beside the measured points, with the error per point. */
export function predictionTable(results: Results, analysis: Analysis, x: CrossoverAnalysis | undefined = analysis.crossover): Table | undefined {
  if (!x || !x.perFramework.some((f) => f.prediction)) return undefined;
  return {
    title: `Predicted (queueing model) against measured requests/s (c${x.connections}${rttText(x)})`,
    head: ['framework', ...settingLabels(x)],
    rows: x.perFramework
      .filter((f) => f.prediction)
      .map((f) => [
        displayName(results, f.framework),
        ...f.points.map((p) => (p.predictedRps === undefined ? '-' : `${fmtRps(p.predictedRps)}${p.error === undefined ? '' : ` (${fmtSignedPct(p.error)})`}`)),
      ]),
    notes: [
      `Predicted by exact mean-value analysis of a closed network: the load generator's connections circulate through a queue for the app's CPU (1 / its db-cell req/s per request) and a pool of C connections each held for the effective latency${x.measuredRttMs ? ` plus the measured ${x.measuredRttMs.toFixed(2)} ms round trip` : ''} (docs/analysis.md). In brackets: measured / predicted - 1.`,
    ],
  };
}

/** One row per cell: every label that holds and the figures behind it. */
export function evidenceTable(results: Results, analysis: Analysis): Table {
  return {
    title: 'Bottleneck evidence per cell',
    head: ['cell', 'labels', 'evidence'],
    rows: analysis.cells.map((c) => {
      if (c.status !== 'ok' || !c.attribution) return [c.id, c.status.toUpperCase(), c.failure ?? ''];
      const a = c.attribution;
      // Each limit's reason quotes its figure; the other figures follow.
      const why = a.limits.map((l) => `${l.label}: ${l.reason}`);
      const disturbed = disturbedText(results, c.id);
      return [
        `${c.id}${disturbed ? DISTURBED_MARK : ''}`,
        a.labels.join(' + '),
        [...why, ...a.evidence.filter((e) => !why.some((w) => w.includes(e))), ...c.notes, ...(disturbed ? [disturbed] : [])].join('; '),
      ];
    }),
    notes: [
      ...disturbedNotes(analysis.cells),
      `Database ceilings per cell are those of the app's own statement protocol (${[...new Set(results.ceilings.filter((c) => c.kind === 'database').map(ceilingProtocol))].join(', ') || 'none measured'} in this run).`,
    ],
  };
}

export function ceilingsTable(results: Results): Table | undefined {
  if (results.ceilings.length === 0) return undefined;
  return {
    title: 'Ceilings measured in this run',
    head: ['ceiling', 'protocol', 'connections', 'requests/s', 'mean latency', 'how'],
    rows: results.ceilings.map((c) => [
      c.kind === 'loadgen'
        ? c.generator === 'open-loop'
          ? 'open-loop generator'
          : `load generator${(c.pipelining ?? 1) > 1 ? `, pipelining ${c.pipelining}` : ''}`
        : `database: ${c.scenario}${c.dbLatencyMs === undefined ? '' : ` ${c.dbLatencyMs}ms`}${c.dbRttMs ? ` rtt ${c.dbRttMs}ms` : ''}`,
      c.kind === 'database' ? ceilingProtocol(c) : '',
      String(c.connections),
      fmtRps(c.rps),
      c.latencyMeanMs === undefined ? '' : `${c.latencyMeanMs.toFixed(2)} ms`,
      `${c.note}${c.cpuMeanUtil !== undefined ? `; loadgen CPU ${fmtPct(c.cpuMeanUtil)}` : ''}`,
    ]),
    notes: [
      "protocol: pgbench's -M (prepared, extended, or simple with the values inlined, as the Django ORM sends them); each cell is judged against the database ceiling of its app's own protocol. mean latency: one transaction's mean time, the effective latency of a slow-db setting.",
    ],
  };
}
