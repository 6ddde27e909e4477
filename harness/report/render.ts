import Table3 from 'cli-table3';
import type { Table } from './tables.ts';

export function renderTerminal(table: Table): string {
  const t = new Table3({ head: table.head, style: { head: [], border: [] } });
  for (const row of table.rows) t.push(row);
  const notes = table.notes.map((n) => `  ${n}`).join('\n');
  return `${table.title}\n${t.toString()}${notes ? `\n${notes}` : ''}\n`;
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdown(table: Table): string {
  const head = `| ${table.head.map(mdEscape).join(' | ')} |`;
  const sep = `| ${table.head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  const rows = table.rows.map((r) => `| ${r.map(mdEscape).join(' | ')} |`);
  const notes = table.notes.map((n) => `\n_${n}_`).join('\n');
  return `### ${table.title}\n\n${[head, sep, ...rows].join('\n')}\n${notes}\n`;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(head: string[], rows: (string | number)[][]): string {
  return `${[head, ...rows].map((r) => r.map((v) => csvField(String(v))).join(',')).join('\n')}\n`;
}
