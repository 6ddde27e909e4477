import type { TopLevelSpec } from 'vega-lite';
import { captionLine, chartFrame, crossoverLayers, effectiveOf, frameworkColor, latencyTicks, latencyX, logDomain, logY, REFERENCE_COLOR } from './axes.ts';
import type { LatencyChartData } from './types.ts';

const FLOOR = 'database latency itself (no response is faster)';
const UNSUSTAINED = 'could not sustain the offered rate';

const fmtRate = (rps: number) => Math.round(rps).toLocaleString('en-US');

/**
 * Pure: the Vega-Lite spec of p99 latency against database latency at one offered rate,
 * one line per framework. Log y for the same reason as the throughput chart: convergence
 * is a ratio (within 10%), and p99 spans from a few ms to hundreds when an app nears its
 * capacity. The database latency itself is drawn as the floor every line must stay above.
 * Points whose app could not sustain the rate are drawn as crosses and left out of the lines;
 * points the generator itself sent late for (docs/open-loop.md, "Late") are ringed.
 */
export function latencySpec(data: LatencyChartData): TopLevelSpec {
  const names = data.frameworks.map((f) => f.displayName);
  const rows = data.frameworks.flatMap((f) =>
    f.points.map((p) => ({
      displayName: f.displayName,
      effectiveMs: p.effectiveMs,
      requestedMs: p.requestedMs,
      p99Ms: p.p99Ms,
      sustained: p.sustained !== false,
      generatorLate: p.generatorLate === true,
    })),
  );
  const sustained = rows.filter((r) => r.sustained);
  const unsustained = rows.filter((r) => !r.sustained);
  const ringed = sustained.filter((r) => r.generatorLate);
  const ticks = latencyTicks(data.settings);
  // The floor is drawn only where it is positive: log scales cannot place 0 ms.
  const floor = ticks.filter((t) => t.effectiveMs > 0).map((t) => ({ effectiveMs: t.effectiveMs, p99Ms: t.effectiveMs, series: FLOOR }));
  // The floor is left out of the domain: at 0 ms it would stretch the axis down to 0.05 ms.
  const domain = logDomain(rows.map((r) => r.p99Ms));
  const x = latencyX(ticks);
  const y = logY('p99Ms', 'p99 latency, ms (log scale)', domain, ',.4~g');
  const color = frameworkColor(names);
  const crossover = data.crossoverMs;
  const crossoverMarks =
    crossover === undefined
      ? []
      : crossoverLayers(effectiveOf(data.settings, crossover), `latency crossover ${crossover} ms: p99 within 10% from here`, ticks, x);
  return {
    ...chartFrame(`p99 latency against database latency at ${fmtRate(data.offeredRps)} requests/s offered (open loop)`, [
      captionLine(data.caption),
      [
        "latency from each request's scheduled send time",
        unsustained.length ? `crosses: ${UNSUSTAINED}, left out of the lines` : '',
        ringed.length ? 'rings: the generator itself sent over 1% of requests late, so that p99 is an upper bound' : '',
        'log scale: equal gaps are equal ratios',
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    layer: [
      ...(floor.length
        ? [
            {
              data: { values: floor },
              mark: { type: 'line', clip: true, color: REFERENCE_COLOR, strokeWidth: 1.5, strokeDash: [3, 3] },
              encoding: {
                x,
                y,
                strokeDash: {
                  field: 'series',
                  type: 'nominal',
                  scale: { domain: [FLOOR], range: [[3, 3]] },
                  legend: { title: null, orient: 'bottom', labelLimit: 0, symbolType: 'stroke', symbolSize: 900, symbolStrokeWidth: 2 },
                },
              },
            },
          ]
        : []),
      { data: { values: sustained }, mark: { type: 'line', strokeWidth: 2.5, point: { filled: true, size: 45 } }, encoding: { x, y, color } },
      ...(unsustained.length
        ? [{ data: { values: unsustained }, mark: { type: 'point', shape: 'cross', filled: true, size: 140 }, encoding: { x, y, color } }]
        : []),
      ...(ringed.length
        ? [{ data: { values: ringed }, mark: { type: 'point', shape: 'circle', filled: false, size: 220, strokeWidth: 1.5 }, encoding: { x, y, color } }]
        : []),
      ...crossoverMarks,
    ],
  } as unknown as TopLevelSpec; // Layers are plain objects from helpers; tests check compileSpec's warnings instead of the types.
}
