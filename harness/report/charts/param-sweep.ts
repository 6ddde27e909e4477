import type { TopLevelSpec } from 'vega-lite';
import type { ParamSweep } from '../../results/param-sweep-schema.ts';
import { captionLine, chartFrame, frameworkColor, logDomain, logY, REFERENCE_COLOR } from './axes.ts';
import type { ChartCaption } from './types.ts';

/** One swept scenario's chart: requests/s against the parameter, one line per framework, the database's capacity dashed. */
export interface ParamSweepChartData {
  sweep: ParamSweep;
  /** Framework -> the name its line carries. */
  displayNames: Record<string, string>;
  caption: ChartCaption;
}

export const paramSweepChartPath = (s: ParamSweep) => `charts/${s.scenario}-c${s.connections}.svg`;

export const paramSweepTitle = (s: ParamSweep) => `${s.scenario}: requests/s against ${s.param}, ${s.connections} connections`;

const CAPACITY = 'database capacity (pgbench, same SQL)';

/**
 * Pure: the Vega-Lite spec of a swept scenario. Both axes are logarithmic (the values span
 * decades; equal gaps are equal ratios); k runs from many hot rows to one, so the database's
 * share grows to the right on every sweep. A rule marks the verdict's crossover.
 */
export function paramSweepSpec(data: ParamSweepChartData): TopLevelSpec {
  const s = data.sweep;
  const name = (f: string) => data.displayNames[f] ?? f;
  const measured = s.perFramework.flatMap((f) =>
    f.points.filter((p) => p.rps !== undefined && p.rps > 0).map((p) => ({ displayName: name(f.framework), value: p.value, rps: p.rps! })),
  );
  const capacity = s.capacity.filter((c) => c.rps > 0).map((c) => ({ value: c.value, rps: c.rps, series: CAPACITY }));
  const failedAt = s.perFramework.flatMap((f) =>
    f.points.filter((p) => p.failed !== undefined).map((p) => ({ displayName: name(f.framework), value: p.value })),
  );
  const fitted = logDomain([...measured.map((m) => m.rps), ...capacity.map((c) => c.rps)]);
  // A failed cell has no rate: a cross in the framework's colour on the floor of the plot, at its
  // value, so its line's end is not read as the end of the sweep. The floor is lowered for it, so
  // the cross never covers the lowest measured point.
  const domain: [number, number] = failedAt.length ? [fitted[0] / 1.6, fitted[1]] : fitted;
  const failed = failedAt.map((p) => ({ ...p, rps: domain[0] * 1.12 }));
  const x = {
    field: 'value',
    type: 'quantitative',
    scale: { type: 'log', domain: [Math.min(...s.values) / 1.3, Math.max(...s.values) * 1.3], reverse: s.param === 'k', nice: false },
    axis: { title: `${s.param}${s.param === 'k' ? ' (fewer hot rows to the right)' : ''}`, values: s.values, format: ',d', grid: false },
  };
  const y = logY('rps', 'requests/s (log scale)', domain, ',.0f');
  const color = frameworkColor(s.perFramework.map((f) => name(f.framework)));
  const from = s.verdict?.from;
  return {
    ...chartFrame(paramSweepTitle(s), [
      captionLine(data.caption),
      `dashed grey: ${CAPACITY}; log scales: equal gaps are equal ratios`,
      ...(failed.length ? [`x on the floor: the framework's cell failed at that value (the table's note says why)`] : []),
    ]),
    layer: [
      ...(capacity.length
        ? [{ data: { values: capacity }, mark: { type: 'line', clip: true, color: REFERENCE_COLOR, strokeWidth: 1.5, strokeDash: [6, 4] }, encoding: { x, y } }]
        : []),
      { data: { values: measured }, mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 45 } }, encoding: { x, y, color } },
      ...(failed.length
        ? [{ data: { values: failed }, mark: { type: 'point', shape: 'cross', angle: 45, filled: true, size: 110, opacity: 1 }, encoding: { x, y, color } }]
        : []),
      ...(from === undefined
        ? []
        : [
            { data: { values: [{ value: from }] }, mark: { type: 'rule', color: '#333333', strokeDash: [2, 2] }, encoding: { x } },
            {
              data: { values: [{ value: from, text: `crossover ${s.param} ${from}: all within 10% from here` }] },
              mark: { type: 'text', align: 'left', dx: 4, y: 8, fontSize: 11 },
              encoding: { x, text: { field: 'text' } },
            },
          ]),
    ],
  } as unknown as TopLevelSpec;
}
