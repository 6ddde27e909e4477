import { type Analysis, analyze } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { chartSet } from './charts/data.ts';
import { type RenderedChart, renderCharts } from './charts/files.ts';
import { leadingWarnings, sweepLines, verdictLines } from './leading.ts';
import { buildTables, footnote, type Table } from './tables.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Pure: prefixes the SVG's element ids (Vega's clip paths) so several charts inlined in one
 * page do not take each other's clip regions.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`);
}

function tableHtml(table: Table): string {
  const head = table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = table.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n');
  const notes = table.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<h2>${escapeHtml(table.title)}</h2>\n<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>${notes}`;
}

function chartHtml(chart: RenderedChart, index: number): string {
  const svg = scopeSvgIds(chart.svg, `chart${index}`).replace('<svg ', `<svg role="img" aria-label="${escapeHtml(chart.title)}" `);
  return `<figure>${svg}<figcaption>Also as its own file: <a href="${escapeHtml(chart.path)}">${escapeHtml(chart.path)}</a></figcaption></figure>`;
}

const STYLE = [
  'body{font-family:Helvetica,Arial,"Liberation Sans",sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#111}',
  'h1{font-size:1.5em;margin-bottom:.2em}.meta{color:#444;margin-top:0}',
  '.warnings{border:2px solid #b00020;background:#fff4f4;padding:.6em 1em;margin:1em 0}.warnings h2{margin:0 0 .3em;font-size:1.1em;color:#b00020}.warnings li{margin:.2em 0}',
  'figure{margin:1em 0}figure svg{width:100%;max-width:1100px;height:auto}figcaption{font-size:12px;color:#555}',
  '.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}td{text-align:right}thead th{background:#f4f4f4}',
  '.note{color:#555;font-size:12px;margin:.2em 0}',
  '.verdict{font-size:1.15em;border-left:4px solid #1f5fa8;background:#f3f7fc;padding:.6em 1em;margin:1em 0}',
].join('\n');

/**
 * A self-contained HTML report (no scripts, no external assets): warnings first, then the
 * charts, then the tables and the footnote. Async because charts render through Vega; pass
 * `charts` when they are already rendered (reportFiles renders once for the page and the files).
 */
export async function htmlReport(results: Results, analysis: Analysis = analyze(results), charts?: RenderedChart[]): Promise<string> {
  const rendered = charts ?? (await renderCharts(chartSet(results, analysis)));
  const warnings = leadingWarnings(results);
  const m = results.machine;
  const warningsBox = warnings.length
    ? `<section class="warnings"><h2>Read these first</h2><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crossover-bench ${escapeHtml(results.runId)}</title>
<style>
${STYLE}
</style>
</head><body>
<h1>crossover-bench results: ${escapeHtml(results.runId)}</h1>
<p class="meta">${escapeHtml(`${m.cpuModel}, ${m.cores} cores · profile ${results.config.profile} · started ${results.startedAt} · status ${results.status}`)}</p>
${warningsBox}
${verdictLines(analysis)
  .map((l) => `<p class="verdict"><strong>Verdict:</strong> ${escapeHtml(l)}</p>`)
  .join('\n')}
${sweepLines(results)
  .map((l) => `<p class="note">${escapeHtml(l)}</p>`)
  .join('\n')}
${rendered.length ? rendered.map(chartHtml).join('\n') : '<p class="note">No chart: the run measured slow-db at fewer than two database latencies.</p>'}
${buildTables(results, { analysis }).map(tableHtml).join('\n')}
<hr><ul>${footnote(results)
    .map((l) => `<li>${escapeHtml(l)}</li>`)
    .join('')}</ul>
</body></html>
`;
}
