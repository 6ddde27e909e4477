import type { TopLevelSpec } from 'vega-lite';
import { captionLine, chartFrame, crossoverLayers, effectiveOf, frameworkColor, latencyTicks, latencyX, logDomain, logY, REFERENCE_COLOR } from './axes.ts';
import type { ThroughputChartData } from './types.ts';

/** Line styles, which the second legend explains. */
const SERIES = {
  measured: { name: 'measured (median)', dash: [1, 0] },
  predicted: { name: 'predicted', dash: [6, 4] },
  little: { name: "Little's-law bound (pool / latency)", dash: [3, 3] },
  ceiling: { name: 'database ceiling (same SQL)', dash: [12, 3, 2, 3] },
} as const;

/** `, database round trip 0.5 ms (measured 0.55)` for a chart through --db-rtt; empty on the direct path. */
export const rttTitle = (data: { dbRttMs?: number; measuredRttMs?: number }) =>
  data.dbRttMs ? `, database round trip ${data.dbRttMs} ms${data.measuredRttMs === undefined ? '' : ` (measured ${data.measuredRttMs.toFixed(2)})`}` : '';

/**
 * Pure: the Vega-Lite spec of requests/s against database latency, one line per framework.
 *
 * The y scale is logarithmic. The chart's question is when the frameworks come within 10% of
 * each other, a ratio, and on a log scale a ratio is the same distance at 5,000 req/s as at
 * 500: the converged region (a few hundred req/s at 20 ms) stays as readable as the
 * framework-bound one (thousands at 0 ms), where a linear scale flattens it onto the axis.
 * The Little's-law bound C / L is a falling curve on it that the converged lines hug.
 */
export function throughputSpec(data: ThroughputChartData): TopLevelSpec {
  const names = data.frameworks.map((f) => f.displayName);
  const measured = data.frameworks.flatMap((f) =>
    f.points.map((p) => ({
      displayName: f.displayName,
      series: SERIES.measured.name,
      effectiveMs: p.effectiveMs,
      requestedMs: p.requestedMs,
      rps: p.rps,
      rpsMin: p.rpsMin,
      rpsMax: p.rpsMax,
    })),
  );
  const predicted = data.frameworks.flatMap((f) =>
    f.points
      .filter((p) => p.predictedRps !== undefined)
      .map((p) => ({ displayName: f.displayName, series: SERIES.predicted.name, effectiveMs: p.effectiveMs, rps: p.predictedRps! })),
  );
  const allPoints = data.frameworks.flatMap((f) => f.points);
  const xMax = Math.max(...allPoints.map((p) => p.effectiveMs));
  // Bounds are drawn over the swept range only; C / L at 0 ms is infinite and is left out.
  const inRange = (b: { effectiveMs: number; rps: number }) => Number.isFinite(b.rps) && b.rps > 0 && b.effectiveMs <= xMax;
  const littleName = data.measuredRttMs ? "Little's-law bound (pool / (latency + round trip))" : SERIES.little.name;
  const little = data.littleBound.filter(inRange).map((b) => ({ ...b, series: littleName }));
  const ceiling = data.dbCeiling.filter(inRange).map((b) => ({ ...b, series: SERIES.ceiling.name }));
  // The bound is left out of the domain: at 1 ms it is far above anything measured.
  const domain = logDomain([...measured.flatMap((m) => [m.rpsMin, m.rpsMax]), ...predicted.map((p) => p.rps), ...ceiling.map((c) => c.rps)]);
  const repeats = measured.some((m) => m.rpsMax > m.rpsMin);
  const ticks = latencyTicks(data.settings);
  const x = latencyX(ticks);
  const y = logY('rps', 'requests/s (log scale)', domain, ',.0f');
  const color = frameworkColor(names);
  const present = [
    SERIES.measured,
    ...(predicted.length ? [SERIES.predicted] : []),
    ...(little.length ? [{ ...SERIES.little, name: littleName }] : []),
    ...(ceiling.length ? [SERIES.ceiling] : []),
  ];
  const strokeDash = {
    field: 'series',
    type: 'nominal',
    scale: { domain: present.map((s) => s.name), range: present.map((s) => s.dash) },
    legend: {
      title: null,
      orient: 'bottom',
      direction: 'horizontal',
      columns: 2,
      labelLimit: 0,
      symbolType: 'stroke',
      symbolStrokeWidth: 2,
      symbolSize: 900,
      columnPadding: 24,
      rowPadding: 4,
      offset: 12,
    },
  };
  const reference = (values: object[]) => ({
    data: { values },
    mark: { type: 'line', clip: true, color: REFERENCE_COLOR, strokeWidth: 1.5 },
    encoding: { x, y, strokeDash },
  });

  const rings = data.frameworks.flatMap((f) => {
    if (f.crossoverMs === undefined) return [];
    const point = f.points.find((p) => p.requestedMs === f.crossoverMs);
    return point ? [{ displayName: f.displayName, effectiveMs: point.effectiveMs, rps: point.rps }] : [];
  });
  const overall = data.overallCrossoverMs;
  const overallLayers =
    overall === undefined ? [] : crossoverLayers(effectiveOf(data.settings, overall), `crossover ${overall} ms: all within 10% from here`, ticks, x);

  const notes = [
    repeats ? 'bars: min-max of the repeats' : '',
    rings.length ? 'rings: where each framework became database- or pool-bound' : '',
    'log scale: equal gaps are equal ratios',
  ].filter(Boolean);
  return {
    ...chartFrame(`Requests/s against database latency, ${data.connections} connections${rttTitle(data)}`, [captionLine(data.caption), notes.join('; ')]),
    layer: [
      ...(ceiling.length ? [reference(ceiling)] : []),
      ...(little.length ? [reference(little)] : []),
      ...(repeats
        ? [
            {
              data: { values: measured },
              mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.8 },
              encoding: { x, y: { ...y, field: 'rpsMin' }, y2: { field: 'rpsMax' }, color },
            },
          ]
        : []),
      ...(predicted.length
        ? [{ data: { values: predicted }, mark: { type: 'line', strokeWidth: 1.5, opacity: 0.9 }, encoding: { x, y, color, strokeDash } }]
        : []),
      { data: { values: measured }, mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 45 } }, encoding: { x, y, color, strokeDash } },
      ...(rings.length ? [{ data: { values: rings }, mark: { type: 'point', filled: false, size: 260, strokeWidth: 2 }, encoding: { x, y, color } }] : []),
      ...overallLayers,
    ],
  } as unknown as TopLevelSpec; // Layers are plain objects from helpers; tests check compileSpec's warnings instead of the types.
}
