import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidthPx } from './text-width.ts';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

const isBold = (weight: TextItem['fontWeight']) =>
  weight === 'bold' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);

// Vega sizes legends, titles and the SVG from text widths; with no canvas in Node it guesses
// far too wide. A user-defined width function is Vega's documented hook for this (vl-convert
// installs one the same way).
// vega's type declarations leave textMetrics out, though the module exports it.
(vega as unknown as { textMetrics: { width: (item: TextItem, text?: string) => number } }).textMetrics.width = (item, text) => {
  const line = text == null ? '' : String(text).trim();
  return textWidthPx(line, item.fontSize ?? 11, isBold(item.fontWeight));
};

/**
 * Compiles Vega-Lite to Vega and collects what Vega-Lite warns about (a field no data has,
 * a channel a mark ignores): the specs are built from loose objects, so tests assert none.
 */
export function compileSpec(spec: TopLevelSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger: vega.LoggerInterface = {
    level: () => logger,
    error: (...args: unknown[]) => {
      throw new Error(`vega-lite: ${args.join(' ')}`);
    },
    warn: (...args: unknown[]) => {
      warnings.push(args.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { vega: compile(spec, { logger }).spec, warnings };
}

/**
 * Renders a Vega-Lite spec to standalone SVG text in Node: compile to Vega, run a headless
 * view (renderer 'none': no DOM, no canvas), serialise its scenegraph.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec).vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
