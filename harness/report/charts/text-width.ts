/**
 * Advance widths of Helvetica's printable ASCII (32 to 126) in 1/1000 em, from Adobe's
 * core-font metrics (Helvetica.afm); Arial and Liberation Sans share them. The charts ask
 * for that font stack, so these widths are what a reader's browser lays out.
 */
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584,
  556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278,
  469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260,
  334, 584,
];
/** Characters outside the table (·, –, accented letters) count as a wide glyph. */
const OTHER = 600;
/** Bold Helvetica runs about 8% wider than regular; 10% keeps labels clear of the edge. */
const BOLD = 1.1;
/** A fallback font (DejaVu Sans where no Helvetica-metric font is installed) is wider still. */
const SAFETY = 1.05;

/** The font stack every chart uses: Helvetica, or a font with the same widths. */
export const CHART_FONT = 'Helvetica, Arial, "Liberation Sans", sans-serif';

/**
 * Pure: the width in px of one line of chart text. Vega without a canvas guesses 0.8 em per
 * character, about 40% too wide for this font, which pads every chart with empty space.
 */
export function textWidthPx(text: string, fontSizePx: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += (code >= 32 && code <= 126 ? HELVETICA[code - 32]! : OTHER) / 1000;
  }
  return em * fontSizePx * (bold ? BOLD : 1) * SAFETY;
}
