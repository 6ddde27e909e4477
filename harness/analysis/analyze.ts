import { BenchError } from '../errors.ts';
import { type AnalysisRecord, AnalysisSchema } from '../results/analysis-schema.ts';
import type { Ceiling, Cell, Results } from '../results/schema.ts';
import { formatZodError } from '../zod-format.ts';
import { attribute } from './attribution.ts';
import { appProtocol, ceilingClients, ceilingId, ceilingProtocol, effectiveLatency, littleBoundWithRtt, measuredRtt, pickDbCeiling } from './bounds.ts';
import { buildCrossovers } from './crossover.ts';
import { buildLatency, isOpenLoop } from './latency.ts';
import { buildParamSweeps } from './param-sweep.ts';
import { baselineRatios, ratioIntervals } from './ratios.ts';
import { columnKey, summarizeCell } from './summary.ts';
import type { Analysis, AnalyzedCell } from './types.ts';
import { variantPairs } from './variants.ts';

/** The closed-loop load generator's ceilings; the open-loop generator's judges only open-loop cells. */
const isClosedLoopCeiling = (c: Ceiling) => c.kind === 'loadgen' && c.generator !== 'open-loop';

export type { Analysis, AnalyzedCell } from './types.ts';

/** Bounds and attribution of one measured cell, judged against the ceilings of its own protocol. */
function analyzeCell(results: Results, cell: Cell, shared: boolean): AnalyzedCell {
  const s = summarizeCell(cell);
  const notes: string[] = [];
  if (s.status !== 'ok') return { ...s, notes };
  const app = results.apps[cell.framework];
  // The lowest load generator ceiling at the cell's connection count: the conservative bound.
  // A pipelining cell (plaintext) is judged against the ceiling measured with the same pipelining.
  const loadgen = results.ceilings
    .filter((c) => isClosedLoopCeiling(c) && c.connections === cell.connections && (c.pipelining ?? 1) === (cell.pipelining ?? 1))
    .sort((a, b) => a.rps - b.rps)[0];
  const choice = pickDbCeiling(results.ceilings, cell, appProtocol(results, cell.framework));
  if (choice.note) notes.push(choice.note);
  const db = choice.ceiling;
  // The round trip the cell's path added (docs/network.md): every query holds its connection for it too.
  const rtt = measuredRtt(results, cell.dbRttMs);
  if (rtt.source === 'requested' && cell.kind !== 'json' && cell.kind !== 'plaintext')
    notes.push(`no measured round trip for --db-rtt ${cell.dbRttMs}: the bound uses the requested ${cell.dbRttMs} ms`);
  let effectiveDbLatencyMs: number | undefined;
  if (cell.kind === 'slow-db' && cell.dbLatencyMs !== undefined) {
    const eff = effectiveLatency(cell.dbLatencyMs, db, ceilingClients(results, cell.connections), rtt.rttMs);
    effectiveDbLatencyMs = eff.effectiveMs;
    if (eff.source === 'requested') notes.push(`no database ceiling at ${cell.dbLatencyMs} ms: the bound uses the requested latency`);
    if (eff.flagged) notes.push(`the database held each request ${eff.effectiveMs.toFixed(1)} ms, not the ${cell.dbLatencyMs} ms requested`);
  }
  const little =
    app && effectiveDbLatencyMs !== undefined
      ? littleBoundWithRtt(cell.connections, app.settings.concurrencyLimit, app.settings.connectionCap, effectiveDbLatencyMs, rtt.rttMs)
      : undefined;
  const attribution = attribute(s, { dbCeilingRps: db?.rps, little, loadgenCeilingRps: loadgen?.rps, sharedLoadgenDbCore: shared });
  const share = (bound: number | undefined) => (bound ? s.rps.median / bound : undefined);
  return {
    ...s,
    rpsMedian: s.rps.median,
    effectiveDbLatencyMs,
    ...(cell.dbRttMs ? { measuredRttMs: rtt.rttMs } : {}),
    attribution,
    dbCeilingRps: db?.rps,
    littleBoundRps: little?.rps,
    shareOfDbCeiling: share(db?.rps),
    shareOfLittleBound: share(little?.rps),
    judgedAgainst: {
      dbCeiling: db ? { id: ceilingId(db), rps: db.rps, protocol: ceilingProtocol(db), latencyMeanMs: db.latencyMeanMs } : undefined,
      loadgenCeiling: loadgen ? { id: ceilingId(loadgen), rps: loadgen.rps } : undefined,
      littleBound: little,
    },
    notes,
  };
}

/** Pure: summaries, bounds, attribution, shares, the crossover and its prediction, all from results.json. */
export function analyze(results: Results): Analysis {
  const shared = results.cpuLayout.shared && results.cpuLayout.loadgenCpus.some((c) => results.cpuLayout.dbCpus.includes(c));
  // Open-loop cells are not saturation numbers: they have their own analysis (latency.ts).
  const cells = results.cells.filter((cell) => !isOpenLoop(cell)).map((cell) => analyzeCell(results, cell, shared));
  // Share of the fastest framework per column, among cells not limited by the load generator.
  const best = new Map<string, number>();
  for (const c of cells) {
    if (c.status !== 'ok' || c.attribution?.flagged) continue;
    const key = columnKey(c);
    best.set(key, Math.max(best.get(key) ?? 0, c.rps.median));
  }
  for (const c of cells) {
    const top = best.get(columnKey(c));
    if (c.status === 'ok' && top) c.shareOfFastest = c.rps.median / top;
  }
  // Intervals (docs/analysis.md): paired per round when the repeats were interleaved.
  const intervals = ratioIntervals(cells, results.cells, results.config.interleave);
  for (const c of cells) {
    const i = intervals.get(c.id);
    if (i?.rps) c.rpsInterval = i.rps;
    if (i?.toFastest) {
      c.shareOfFastestInterval = i.toFastest;
      c.shareOfFastest = i.toFastest.estimate;
    }
  }
  const baseline = results.config.baseline;
  if (baseline) {
    const ratios = baselineRatios(cells, results.cells, results.config.interleave, baseline);
    for (const c of cells) {
      const r = ratios.get(c.id);
      if (r) c.toBaseline = { framework: baseline, ratio: r.ratio, ...(r.interval ? { interval: r.interval } : {}) };
    }
  }
  const loadgen = results.ceilings.filter(isClosedLoopCeiling).map((c) => c.rps);
  const latency = buildLatency(results);
  const crossovers = buildCrossovers(results, cells);
  const variants = variantPairs(results, cells, crossovers);
  const paramSweeps = buildParamSweeps(results, cells);
  return {
    cells,
    crossover: crossovers[0],
    ...(crossovers.some((x) => x.dbRttMs) ? { crossovers } : {}),
    loadgenCeilingRps: loadgen.length ? Math.max(...loadgen) : undefined,
    ...(latency ? { latency } : {}),
    ...(variants.length ? { variants } : {}),
    ...(paramSweeps.length ? { paramSweeps } : {}),
    notes: [],
  };
}

/**
 * Pure: the analysis as results.json stores it (AnalysisSchema; the summaries, which
 * results.cells already hold, are left out).
 */
export function analysisRecord(analysis: Analysis): AnalysisRecord {
  const parsed = AnalysisSchema.safeParse(analysis);
  if (!parsed.success) throw new BenchError('RESULTS', `the analysis fails its own schema (a bug in harness/analysis): ${formatZodError(parsed.error)}`);
  return parsed.data;
}
