import { analyze, type Analysis } from '../analysis/analyze.ts';
import type { Results } from '../results/schema.ts';
import { buildTables, displayName, footnote, type Table } from './tables.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A palette readable on white and by most colour-blind readers (Okabe-Ito). */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

/**
 * Pure: requests/s against database latency, one line per framework, with the database
 * ceiling and the Little's-law bound drawn in. Undefined when the run swept no latencies.
 */
export function crossoverSvg(results: Results, analysis: Analysis): string | undefined {
  const x = analysis.crossover;
  if (!x) return undefined;
  const connections = results.config.connections[0]!;
  const W = 720;
  const H = 380;
  const pad = { left: 70, right: 150, top: 20, bottom: 50 };
  const series = x.perFramework.map(({ framework }, i) => ({
    name: displayName(results, framework),
    color: COLORS[i % COLORS.length]!,
    points: x.latencies
      .map((ms) => ({ ms, cell: analysis.cells.find((c) => c.framework === framework && c.kind === 'slow-db' && c.dbLatencyMs === ms && c.connections === connections) }))
      .filter((p) => p.cell?.status === 'ok')
      .map((p) => ({ ms: p.ms, rps: p.cell!.rps.median })),
  }));
  const ceiling = x.latencies
    .map((ms) => ({ ms, rps: results.ceilings.find((c) => c.kind === 'database' && c.scenario === 'slow-db' && c.dbLatencyMs === ms && c.connections === connections)?.rps }))
    .filter((p): p is { ms: number; rps: number } => p.rps !== undefined);
  const maxRps = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.rps)), ...ceiling.map((p) => p.rps));
  // Latencies are spaced evenly: 0, 1, 2, 5, ... 50 ms would crowd on a linear axis.
  const px = (ms: number) => pad.left + (x.latencies.indexOf(ms) / Math.max(1, x.latencies.length - 1)) * (W - pad.left - pad.right);
  const py = (rps: number) => H - pad.bottom - (rps / maxRps) * (H - pad.top - pad.bottom);
  const line = (points: { ms: number; rps: number }[], color: string, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points.map((p) => `${px(p.ms).toFixed(1)},${py(p.rps).toFixed(1)}`).join(' ')}"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = py(maxRps * f);
    return `<line x1="${pad.left}" x2="${W - pad.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${pad.left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${Math.round(maxRps * f).toLocaleString('en-US')}</text>`;
  });
  const xTicks = x.latencies.map((ms) => `<text x="${px(ms)}" y="${H - pad.bottom + 18}" text-anchor="middle" font-size="11">${ms}</text>`);
  const legend = [...series.map((s) => ({ name: s.name, color: s.color, dash: '' })), ...(ceiling.length ? [{ name: 'database ceiling', color: '#777', dash: '6 4' }] : [])].map(
    (s, i) => `<line x1="${W - pad.right + 12}" x2="${W - pad.right + 36}" y1="${pad.top + 10 + i * 18}" y2="${pad.top + 10 + i * 18}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/><text x="${W - pad.right + 42}" y="${pad.top + 14 + i * 18}" font-size="12">${escapeHtml(s.name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" role="img" aria-label="requests per second against database latency">`,
    ...ticks,
    ...xTicks,
    `<text x="${(pad.left + W - pad.right) / 2}" y="${H - 10}" text-anchor="middle" font-size="12">database latency (ms, pg_sleep per request)</text>`,
    `<text transform="translate(16 ${(pad.top + H - pad.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">requests/s (c${connections})</text>`,
    ...(ceiling.length ? [line(ceiling, '#777', '6 4')] : []),
    ...series.map((s) => line(s.points, s.color)),
    ...series.flatMap((s) => s.points.map((p) => `<circle cx="${px(p.ms).toFixed(1)}" cy="${py(p.rps).toFixed(1)}" r="3" fill="${s.color}"/>`)),
    ...legend,
    '</svg>',
  ].join('\n');
}

function tableHtml(table: Table): string {
  const head = table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = table.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n');
  const notes = table.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<h2>${escapeHtml(table.title)}</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>${notes}`;
}

/** Pure: a self-contained HTML report (no scripts, no external assets). */
export function htmlReport(results: Results): string {
  const svg = crossoverSvg(results, analyze(results));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crossover-bench ${escapeHtml(results.runId)}</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}td{text-align:right}.note{color:#555;font-size:12px;margin:.2em 0}</style>
</head><body>
<h1>crossover-bench results: ${escapeHtml(results.runId)}</h1>
${svg ? `<h2>Throughput against database latency</h2>\n${svg}` : ''}
${buildTables(results).map(tableHtml).join('\n')}
<hr><ul>${footnote(results).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
</body></html>
`;
}
