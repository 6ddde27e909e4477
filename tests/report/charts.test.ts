import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { latencyTicks, logTicks } from '../../harness/report/charts/axes.ts';
import { chartSet, throughputChartData } from '../../harness/report/charts/data.ts';
import { chartEntries, chartMarkdownLines } from '../../harness/report/charts/files.ts';
import { latencySpec } from '../../harness/report/charts/latency.ts';
import { compileSpec } from '../../harness/report/charts/render.ts';
import { throughputSpec } from '../../harness/report/charts/throughput.ts';
import type { LatencyChartData, ThroughputChartData } from '../../harness/report/charts/types.ts';
import { migrateResults } from '../../harness/results/migrate.ts';

const caption = { runId: 'run-7', machine: 'Test CPU, 2 cores', date: '2026-11-21 14:03 UTC' };
/** pg_sleep's floor: the 1 ms setting really takes 2.1 ms, like the 2 ms one. */
const EFFECTIVE: Record<number, number> = { 0: 0.05, 1: 2.1, 2: 2.15, 5: 5.1, 10: 10.1, 20: 20.1 };

function throughputData(o: Partial<ThroughputChartData> = {}): ThroughputChartData {
  const line = (framework: string, displayName: string, own: number, crossoverMs?: number) => ({
    framework,
    displayName,
    crossoverMs,
    points: [0, 1, 2, 5, 10, 20].map((requestedMs) => {
      const rps = Math.min(own, 10_000 / EFFECTIVE[requestedMs]!);
      return { requestedMs, effectiveMs: EFFECTIVE[requestedMs]!, rps, rpsMin: rps * 0.97, rpsMax: rps * 1.02, predictedRps: rps * 1.05 };
    }),
  });
  return {
    connections: 64,
    settings: [0, 1, 2, 5, 10, 20].map((requestedMs) => ({ requestedMs, effectiveMs: EFFECTIVE[requestedMs]! })),
    frameworks: [line('fastapi', 'FastAPI', 3900, 5), line('flask', 'Flask', 2300, 10)],
    littleBound: [1, 2, 5, 10, 20].map((ms) => ({ effectiveMs: EFFECTIVE[ms]!, rps: 10_000 / EFFECTIVE[ms]! })),
    dbCeiling: [0, 1, 2, 5, 10, 20].map((ms) => ({ effectiveMs: EFFECTIVE[ms]!, rps: Math.min(11_900, 9_800 / EFFECTIVE[ms]!) })),
    overallCrossoverMs: 10,
    caption,
    ...o,
  };
}

function latencyData(): LatencyChartData {
  return {
    offeredRps: 300,
    settings: [0, 5, 20].map((ms) => ({ requestedMs: ms, effectiveMs: ms })),
    frameworks: [
      {
        framework: 'fastapi',
        displayName: 'FastAPI',
        points: [0, 5, 20].map((ms) => ({ requestedMs: ms, effectiveMs: ms, p50Ms: ms + 1, p99Ms: ms + 4, p999Ms: ms + 9 })),
      },
      {
        framework: 'drf',
        displayName: 'DRF',
        points: [0, 5, 20].map((ms) => ({ requestedMs: ms, effectiveMs: ms, p50Ms: ms + 3, p99Ms: ms + 12, p999Ms: ms + 30, sustained: ms !== 20 })),
      },
    ],
    crossoverMs: 20,
    caption,
  };
}

type Layer = {
  mark: { type: string; strokeDash?: number[] };
  data: { values: Record<string, unknown>[] };
  encoding: Record<string, { field?: string; scale?: { type?: string; domain?: unknown[] }; axis?: { values?: number[]; labelExpr?: string } }>;
};
const layersOf = (spec: object) => (spec as { layer: Layer[] }).layer;
const seriesOf = (layer: Layer) => new Set(layer.data.values.map((v) => v.series));

describe('latency axis ticks', () => {
  it('puts one tick at each effective latency and merges settings that took the same time', () => {
    const ticks = latencyTicks([0, 1, 2, 5].map((ms) => ({ requestedMs: ms, effectiveMs: EFFECTIVE[ms]! })));
    // 5.1 ms is within 5% of the 5 ms asked for: no second line.
    expect(ticks.map((t) => t.lines)).toEqual([['0', '(eff 0.05)'], ['1, 2', '(eff 2.1)'], ['5']]);
    expect(ticks[1]!.effectiveMs).toBeCloseTo(2.125);
  });

  it('labels the requested latency alone when it is what the database took', () => {
    expect(latencyTicks([{ requestedMs: 10, effectiveMs: 10.2 }]).map((t) => t.lines)).toEqual([['10']]);
  });

  it('labels a log axis 1-2-5 per decade, finer when the range is narrow', () => {
    expect(logTicks(400, 12_000)).toEqual([500, 1000, 2000, 5000, 10_000]);
    expect(logTicks(900, 1300)).toEqual([900, 1000, 1100, 1200, 1300]);
  });
});

describe('throughput chart spec', () => {
  const spec = throughputSpec(throughputData());
  const layers = layersOf(spec);

  it('places points at the effective latency on a symlog axis and requests/s on a log axis', () => {
    const measured = layers.find((l) => l.mark.type === 'line' && seriesOf(l).has('measured (median)'))!;
    expect(measured.encoding.x!.field).toBe('effectiveMs');
    expect(measured.encoding.x!.scale!.type).toBe('symlog');
    expect(measured.encoding.x!.axis!.values).toHaveLength(5);
    expect(measured.encoding.x!.axis!.labelExpr).toContain('(eff 2.1)');
    expect(measured.encoding.y!.scale!.type).toBe('log');
    expect(measured.data.values).toHaveLength(12);
  });

  it("draws the Little's-law bound and the database ceiling dashed, and the predictions beside the measurements", () => {
    const reference = layers.filter((l) => l.mark.type === 'line' && l.encoding.color === undefined);
    expect(reference.map((l) => [...seriesOf(l)][0])).toEqual(['database ceiling (same SQL)', "Little's-law bound (pool / latency)"]);
    const predicted = layers.find((l) => seriesOf(l).has('predicted'))!;
    expect(predicted.data.values).toHaveLength(12);
    const dash = (spec as { layer: { encoding: { strokeDash?: { scale: { domain: string[]; range: number[][] } } } }[] }).layer[0]!.encoding.strokeDash!.scale;
    expect(dash.range[dash.domain.indexOf("Little's-law bound (pool / latency)")]).not.toEqual([1, 0]);
  });

  it('marks the crossover with a rule and a label, and each framework crossover with a ring', () => {
    const rule = layers.find((l) => l.mark.type === 'rule' && l.encoding.y2 === undefined)!;
    expect(rule.data.values[0]).toMatchObject({ effectiveMs: 10.1 });
    expect(layers.find((l) => l.mark.type === 'text')!.data.values[0]!.label).toBe('crossover 10 ms: all within 10% from here');
    expect(layers.find((l) => l.mark.type === 'point')!.data.values).toEqual([
      { displayName: 'FastAPI', effectiveMs: 5.1, rps: expect.any(Number) },
      { displayName: 'Flask', effectiveMs: 10.1, rps: expect.any(Number) },
    ]);
  });

  it('draws min-max bars only when there are repeats, and no crossover marks without a crossover', () => {
    expect(layers.some((l) => l.mark.type === 'rule' && l.encoding.y2 !== undefined)).toBe(true);
    const single = throughputData({ overallCrossoverMs: undefined });
    for (const f of single.frameworks) for (const p of f.points) Object.assign(p, { rpsMin: p.rps, rpsMax: p.rps, predictedRps: undefined });
    const plain = layersOf(throughputSpec(single));
    expect(plain.some((l) => l.mark.type === 'rule')).toBe(false);
    expect(plain.some((l) => seriesOf(l).has('predicted'))).toBe(false);
  });

  it('carries the caption in its title and compiles without Vega-Lite warnings', () => {
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('run run-7 · Test CPU, 2 cores · 2026-11-21 14:03 UTC');
    expect(compileSpec(spec).warnings).toEqual([]);
  });
});

describe('latency chart spec', () => {
  const spec = latencySpec(latencyData());
  const layers = layersOf(spec);

  it('draws p99 per framework on log axes, the database latency as the floor, and the crossover', () => {
    const lines = layers.find((l) => l.mark.type === 'line' && l.encoding.color !== undefined)!;
    expect(lines.encoding.y!.field).toBe('p99Ms');
    expect(lines.encoding.y!.scale!.type).toBe('log');
    expect(layers[0]!.data.values.map((v) => v.effectiveMs)).toEqual([5, 20]);
    expect(layers.find((l) => l.mark.type === 'text')!.data.values[0]!.label).toContain('latency crossover 20 ms');
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('300 requests/s offered');
  });

  it('leaves a rate the app could not sustain out of its line and draws it as a cross', () => {
    const lines = layers.find((l) => l.mark.type === 'line' && l.encoding.color !== undefined)!;
    expect(lines.data.values).toHaveLength(5);
    const crosses = layers.find((l) => l.mark.type === 'point')!;
    expect(crosses.data.values).toEqual([expect.objectContaining({ displayName: 'DRF', requestedMs: 20, sustained: false })]);
    expect(compileSpec(spec).warnings).toEqual([]);
  });

  it('rings a point the generator itself sent late for, keeps it on its line, and says what the rings mean', () => {
    const data = latencyData();
    const point = data.frameworks[0]!.points[0]!;
    point.generatorLate = true;
    const ringedSpec = latencySpec(data);
    const ringedLayers = layersOf(ringedSpec);
    const rings = ringedLayers.filter((l) => l.mark.type === 'point' && (l.mark as { filled?: boolean }).filled === false);
    expect(rings).toHaveLength(1);
    expect(rings[0]!.data.values).toEqual([expect.objectContaining({ requestedMs: point.requestedMs, generatorLate: true })]);
    expect(ringedLayers.find((l) => l.mark.type === 'line' && l.encoding.color !== undefined)!.data.values).toHaveLength(5);
    expect(JSON.stringify((ringedSpec as { title: unknown }).title)).toContain('rings: the generator itself sent over 1% of requests late');
    expect(JSON.stringify((spec as { title: unknown }).title)).not.toContain('rings');
    expect(compileSpec(ringedSpec).warnings).toEqual([]);
  });
});

describe('compileSpec', () => {
  it("collects Vega-Lite's warnings, so the no-warning checks above can fail", () => {
    const bad = { data: { values: [] }, mark: 'line', encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'log', zero: true } } } };
    expect(compileSpec(bad as never).warnings[0]).toContain('zero');
  });
});

describe('chart files and data', () => {
  it('names one file per chart and links them from Markdown', () => {
    const set = { throughput: [throughputData()], latency: [latencyData()] };
    expect(chartEntries(set).map((e) => e.path)).toEqual(['charts/throughput-c64.svg', 'charts/latency-p99-300rps.svg']);
    expect(chartMarkdownLines(set)).toEqual([
      '### Charts',
      '',
      '![Requests/s against database latency, 64 connections](charts/throughput-c64.svg)',
      '',
      '![p99 latency against database latency at 300 requests/s offered](charts/latency-p99-300rps.svg)',
      '',
    ]);
    expect(chartMarkdownLines({ throughput: [], latency: [] })).toEqual([]);
  });

  it("builds the throughput chart's data from a recorded sweep", () => {
    const results = migrateResults(JSON.parse(readFileSync(new URL('../fixtures/results/sweep-v1.json', import.meta.url), 'utf8')));
    const data = throughputChartData(results, analyze(results))!;
    expect(data.frameworks.map((f) => f.displayName)).toEqual(['Django', 'Django REST framework', 'Flask', 'FastAPI', 'Starlette', 'django-bolt']);
    expect(data.frameworks[0]!.points.map((p) => p.requestedMs)).toEqual([0, 1, 2, 5, 10, 20]);
    expect(data.frameworks[0]!.points[0]!.rpsMin).toBeLessThan(data.frameworks[0]!.points[0]!.rpsMax);
    // A version 1 file has no pgbench latencies: the effective latency is the cap's 10 clients / the ceiling's rate,
    // so the Little's-law bound at each setting is the measured ceiling (1 and 2 ms both sit on pg_sleep's floor).
    expect(data.littleBound.map((b) => Math.round(b.rps))).toEqual([11_900, 4709, 4649, 1948, 987, 496]);
    expect(data.frameworks[0]!.points[1]!.effectiveMs).toBeCloseTo(10_000 / 4709, 2);
    expect(data.overallCrossoverMs).toBe(10);
    expect(data.caption).toEqual({
      runId: '20261121T140312Z-standard',
      machine: 'Intel(R) Xeon(R) Processor @ 2.50GHz, 2 cores',
      date: '2026-11-21 14:03 UTC',
    });
    expect(chartSet(results, analyze(results)).throughput).toHaveLength(1);
  });
});
