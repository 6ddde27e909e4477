import { fmtEffectiveMs } from '../format.ts';
import { CHART_FONT } from './text-width.ts';
import type { ChartCaption, ChartSetting } from './types.ts';

/** Okabe-Ito: distinguishable on white and by most colour-blind readers. */
export const FRAMEWORK_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
/** Reference lines (bounds, ceilings) are grey so the frameworks stay the subject. */
export const REFERENCE_COLOR = '#666666';
export const PLOT_WIDTH = 640;
export const PLOT_HEIGHT = 360;

/**
 * Two sweep settings whose effective latencies lie within 10% of each other share one tick:
 * pg_sleep's floor of about 2 ms turns the 1 ms and 2 ms settings into the same latency, and
 * two labels on one spot overlap.
 */
const SAME_TICK = 0.1;

/**
 * The effective latency gets its own label line when it is more than 5% off the setting:
 * closer than that, the two would print the same at two significant digits.
 */
const SHOW_EFFECTIVE = 0.05;

/** One x tick: where it sits (effective ms) and its lines of label text. */
export interface LatencyTick {
  effectiveMs: number;
  lines: string[];
}

/** A requested setting: 0.05, 2.1, 20: two significant digits below 10 ms, whole ms above. */
const fmtMs = (ms: number) => (ms >= 10 || Number.isInteger(ms) ? ms.toFixed(0) : String(Number(ms.toPrecision(2))));

/**
 * Pure: the x ticks of a latency sweep, one per setting at its effective latency (settings
 * that took about the same time share one), labelled with the requested setting and, where
 * it differs by more than 5%, the effective one below it, written as the tables write it.
 */
export function latencyTicks(settings: ChartSetting[]): LatencyTick[] {
  const sorted = [...settings].sort((a, b) => a.effectiveMs - b.effectiveMs || a.requestedMs - b.requestedMs);
  const groups: ChartSetting[][] = [];
  for (const s of sorted) {
    const last = groups.at(-1);
    if (last && s.effectiveMs - last[0]!.effectiveMs <= SAME_TICK * Math.max(s.effectiveMs, 1e-9)) last.push(s);
    else groups.push([s]);
  }
  return groups.map((group) => {
    const effectiveMs = group.reduce((a, s) => a + s.effectiveMs, 0) / group.length;
    const requested = group.map((s) => fmtMs(s.requestedMs)).join(', ');
    const differs = group.some((s) => Math.abs(s.effectiveMs - s.requestedMs) > SHOW_EFFECTIVE * Math.max(s.requestedMs, 0.1));
    // Each setting's own figure, not the group's mean, so no tick names a latency no table does.
    const effective = [...new Set(group.map((s) => fmtEffectiveMs(s.effectiveMs)))].join(', ');
    return { effectiveMs, lines: differs ? [requested, `(eff ${effective})`] : [requested] };
  });
}

/** Pure: where a sweep setting (requested ms) sits on the effective-latency axis. */
export function effectiveOf(settings: ChartSetting[], requestedMs: number): number {
  return settings.find((s) => s.requestedMs === requestedMs)?.effectiveMs ?? requestedMs;
}

/**
 * The x encoding shared by every latency chart. Symlog (log(1 + ms)) because the sweeps
 * step roughly geometrically (0, 1, 2, 5, 10, 20 ms) and include 0, which a log scale cannot
 * place: on a linear axis 0-2 ms crowd into 10% of the width, where the frameworks differ most.
 */
export function latencyX(ticks: LatencyTick[]): Record<string, unknown> {
  const title = ticks.some((t) => t.lines.length > 1)
    ? 'database latency per request, ms (as requested; the effective latency below where it differs)'
    : 'database latency per request, ms';
  const values = ticks.map((t) => t.effectiveMs);
  const labelExpr = ticks.reduceRight((rest, t) => `abs(datum.value - ${t.effectiveMs}) < 1e-6 ? ${JSON.stringify(t.lines)} : ${rest}`, "''");
  return {
    field: 'effectiveMs',
    type: 'quantitative',
    scale: { type: 'symlog', constant: 1, domain: [Math.min(0, ...values), Math.max(1, ...values)], nice: false, padding: 18 },
    axis: { title, values, labelExpr, labelPadding: 4, grid: true, gridColor: '#eeeeee', labelFontSize: 11, labelOverlap: false },
  };
}

/**
 * Pure: tick values for a log axis over [min, max]: 1-2-5 per decade, finer when the range
 * is narrow, so at least four ticks label the converged region.
 */
/** The y encoding on a log scale over `domain`, ticked at logTicks, with a light grid. */
export function logY(field: string, title: string, domain: [number, number], format: string): Record<string, unknown> {
  return {
    field,
    type: 'quantitative',
    scale: { type: 'log', domain, nice: false },
    axis: { title, values: logTicks(...domain), format, grid: true, gridColor: '#eeeeee' },
  };
}

/** One colour per framework, in the run's order, with the legend on the right and never clipped. */
export function frameworkColor(names: string[]): Record<string, unknown> {
  return {
    field: 'displayName',
    type: 'nominal',
    scale: { domain: names, range: FRAMEWORK_COLORS.slice(0, Math.max(1, names.length)) },
    legend: { title: 'framework', orient: 'right', labelLimit: 0, symbolStrokeWidth: 2.5 },
  };
}

export function logTicks(min: number, max: number): number[] {
  const ladders = [
    [1, 2, 5],
    [1, 1.5, 2, 3, 5, 7],
    [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9],
  ];
  let ticks: number[] = [];
  for (const ladder of ladders) {
    ticks = [];
    for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max; decade *= 10) {
      for (const step of ladder) {
        const v = Number((decade * step).toPrecision(6));
        if (v >= min && v <= max) ticks.push(v);
      }
    }
    if (ticks.length >= 4) return ticks;
  }
  // Narrower than any ladder (every framework within a few %): about four round linear steps.
  const raw = (max - min) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const linear: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) linear.push(Number(v.toPrecision(6)));
  return linear;
}

/** Pure: a log y domain with 15% headroom either side of the values that must show. */
export function logDomain(values: number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return [1, 10];
  return [Math.min(...finite) / 1.15, Math.max(...finite) * 1.15];
}

/** The caption every chart carries inside its SVG, so a pasted chart still names its run. */
export function captionLine(caption: ChartCaption): string {
  return `run ${caption.runId} · ${caption.machine} · ${caption.date}`;
}

/**
 * Layers marking a crossover: a vertical rule at its effective latency and a label at the
 * top, to the right of the rule unless the rule sits in the right third of the plot.
 */
export function crossoverLayers(effectiveMs: number, label: string, ticks: LatencyTick[], x: Record<string, unknown>): Record<string, unknown>[] {
  const index = ticks.findIndex((t) => Math.abs(t.effectiveMs - effectiveMs) < 1e-6);
  const rightSide = index >= 0 ? index / Math.max(1, ticks.length - 1) > 0.66 : false;
  const data = { values: [{ effectiveMs, label }] };
  return [
    { data, mark: { type: 'rule', color: '#222222', strokeWidth: 1.5, strokeDash: [2, 3] }, encoding: { x } },
    {
      data,
      mark: {
        type: 'text',
        align: rightSide ? 'right' : 'left',
        baseline: 'top',
        dx: rightSide ? -6 : 6,
        dy: 4,
        fontSize: 12,
        fontWeight: 'bold',
        color: '#222222',
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

/**
 * Pure: what every chart shares around its layers: the schema, a title with its subtitle
 * lines, the plot's size and padding, the font and the legend's type sizes.
 */
export function chartFrame(text: string, subtitle: string[]) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text, subtitle, anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#444444' },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    padding: { left: 8, top: 8, right: 24, bottom: 8 },
    config: { font: CHART_FONT, view: { stroke: '#cccccc' }, legend: { labelFontSize: 12, titleFontSize: 12 } },
  } as const;
}
