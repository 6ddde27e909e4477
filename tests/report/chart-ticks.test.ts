import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { crossoverTable, predictionTable } from '../../harness/report/analysis-tables.ts';
import { latencyChartData, throughputChartData } from '../../harness/report/charts/data.ts';
import { latencySpec } from '../../harness/report/charts/latency.ts';
import { throughputSpec } from '../../harness/report/charts/throughput.ts';
import { latencySweepTables } from '../../harness/report/latency-tables.ts';
import { throughputTable } from '../../harness/report/tables.ts';
import type { Results } from '../../harness/results/schema.ts';
import { makeDbCeiling, makeOpenLoopCell, sweepResults } from '../support/factories.ts';

/** The prepared ceilings' pgbench latency per setting in sweepResults. */
const PREPARED: Record<number, number> = { 0: 0.4, 1: 2.1, 2: 2.2, 5: 5.2, 10: 10.3, 20: 20.3 };
/** The simple protocol parses every statement: 0.7 ms more per transaction (0 ms: 1.1, so the two protocols' mean is 0.75). */
const SIMPLE_EXTRA_MS = 0.7;

/**
 * sweepResults (Django sends the simple protocol, FastAPI prepared) with slow-db ceilings
 * for both protocols, whose effective latencies differ, and an open-loop sweep at 200 req/s.
 */
function twoProtocols(): Results {
  const base = sweepResults();
  const simple = Object.entries(PREPARED).map(([ms, eff]) =>
    makeDbCeiling({
      scenario: 'slow-db',
      dbLatencyMs: Number(ms),
      rps: 10 / ((eff + SIMPLE_EXTRA_MS) / 1000),
      protocol: 'simple',
      latencyMeanMs: eff + SIMPLE_EXTRA_MS,
    }),
  );
  const open = ['django', 'fastapi'].flatMap((f) =>
    [0, 10, 20].map((ms) => makeOpenLoopCell({ framework: f, dbLatencyMs: ms, p99Ms: [ms + (f === 'django' ? 5 : 2)], offeredRps: 200 })),
  );
  return {
    ...base,
    cells: [...base.cells, ...open],
    ceilings: [...base.ceilings, ...simple, { kind: 'loadgen', generator: 'open-loop', connections: 64, rps: 2000, note: 'open-loop' }],
  };
}

/** `0 ms (eff 0.4)` -> [0, '0.4']: the setting and the effective figure a table head prints. */
function headFigures(head: string[]): Map<number, string> {
  const figures = new Map<number, string>();
  for (const h of head) {
    const m = /(\d+(?:\.\d+)?) ms \(eff ([\d.]+)!?\)/.exec(h);
    if (m) figures.set(Number(m[1]), m[2]!);
  }
  return figures;
}

/** The x ticks of a spec: their position and label lines, read back from the axis's label expression. */
function ticksOf(spec: object): { value: number; lines: string[] }[] {
  const layer = (spec as { layer: { encoding?: { x?: { axis?: { labelExpr?: string } } } }[] }).layer.find((l) => l.encoding?.x?.axis?.labelExpr);
  const expr = layer!.encoding!.x!.axis!.labelExpr!;
  return [...expr.matchAll(/abs\(datum\.value - ([\d.e-]+)\) < 1e-6 \? (\[[^\]]*\])/g)].map((m) => ({
    value: Number(m[1]),
    lines: JSON.parse(m[2]!) as string[],
  }));
}

/** The tick naming a requested setting: `1, 2` names both 1 and 2 ms. */
const tickFor = (ticks: { value: number; lines: string[] }[], ms: number) => ticks.find((t) => t.lines[0]!.split(', ').map(Number).includes(ms))!;

/** The effective figure a tick shows; within 5% of the setting it names the setting alone and sits at the figure. */
const tickFigure = (t: { value: number; lines: string[] }) => t.lines[1] ?? t.value.toFixed(1);

describe('one effective latency per setting, in the tables and the charts', () => {
  const results = twoProtocols();
  const analysis = analyze(results);
  const table = crossoverTable(results, analysis)!;

  it('has protocols whose effective latencies differ, each cell bounded by its own', () => {
    const at0 = (f: string) => analysis.cells.find((c) => c.framework === f && c.kind === 'slow-db' && c.dbLatencyMs === 0 && c.judgedAgainst?.dbCeiling)!;
    expect(at0('fastapi').effectiveDbLatencyMs).toBeCloseTo(0.4, 9);
    expect(at0('django').effectiveDbLatencyMs).toBeCloseTo(1.1, 9);
    // Django's prediction keeps the hold time of its own protocol.
    expect(analysis.crossover!.perFramework.find((f) => f.framework === 'django')!.points[0]!.effectiveMs).toBeCloseTo(1.1, 9);
  });

  it("labels the throughput chart's ticks with the crossover table's figures, not a mean over protocols", () => {
    const head = headFigures(table.head);
    expect(head.get(0)).toBe('0.4');
    const ticks = ticksOf(throughputSpec(throughputChartData(results, analysis)!));
    expect(ticks[0]!.lines).toEqual(['0', '(eff 0.4)']);
    expect(tickFor(ticks, 2).lines).toEqual(['1, 2', '(eff 2.1, 2.2)']);
    for (const [ms, figure] of head) expect(tickFigure(tickFor(ticks, ms))).toContain(figure);
    expect(JSON.stringify(ticks)).not.toContain('0.75');
  });

  it('prints the same figure in every table head and at every framework crossover', () => {
    const head = headFigures(table.head);
    expect(headFigures(predictionTable(results, analysis)!.head)).toEqual(head);
    const columns = headFigures(throughputTable(results, analysis).head.map((h) => h.replace(/^slow-db /, '')));
    expect(columns).toEqual(head);
    // Where Django became pool-bound is named as its column is, not by the simple protocol's figure.
    const django = analysis.crossover!.perFramework[0]!;
    expect(django.framework).toBe('django');
    const column = analysis.crossover!.latencies.indexOf(django.crossoverMs!);
    expect(django.crossoverEffectiveMs! - analysis.crossover!.settings[column]!.effectiveMs).toBeCloseTo(SIMPLE_EXTRA_MS, 9);
    expect(table.rows[0]![table.head.length - 2]).toBe(table.head[column + 1]);
  });

  it('places every framework of a setting on its tick', () => {
    const data = throughputChartData(results, analysis)!;
    for (const s of data.settings) {
      const xs = new Set(data.frameworks.map((f) => f.points.find((p) => p.requestedMs === s.requestedMs)!.effectiveMs));
      expect([...xs]).toEqual([s.effectiveMs]);
    }
  });

  it("labels the latency chart's ticks with the open-loop table's figures", () => {
    const [sweepTable] = latencySweepTables(results, analysis);
    const head = headFigures(sweepTable!.head);
    expect([...head]).toEqual([
      [0, '0.4'],
      [10, '10.3'],
      [20, '20.3'],
    ]);
    const ticks = ticksOf(latencySpec(latencyChartData(results, analysis)[0]!));
    expect(ticks.map((t) => t.lines)).toEqual([['0', '(eff 0.4)'], ['10'], ['20']]);
    for (const [ms, figure] of head) expect(tickFigure(tickFor(ticks, ms))).toContain(figure);
  });
});
