import type { Table } from './tables.ts';

/** The width assumed when the terminal does not say (a pipe, a CI log): wide enough for the compact tables. */
export const DEFAULT_WIDTH = 100;
/** Never lay out narrower than this: below it no table is readable anyway. */
const MIN_WIDTH = 20;
/** Spaces between columns. */
const GAP = '  ';
/** The first column (framework, cell) may take at most this share of the width, so other columns keep room. */
const FIRST_COLUMN_SHARE = 0.4;
const ELLIPSIS = '…';

/** Characters as a terminal counts them (the tables hold no wide or combining characters). */
const textWidth = (text: string): number => [...text].length;

export function truncate(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  return width <= 0 ? '' : `${[...text].slice(0, width - 1).join('')}${ELLIPSIS}`;
}

/** Greedy word wrap; a word longer than the line is cut into pieces. Every line is at most `width` wide. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - textWidth(indent));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (textWidth(rest) > room) {
      if (line) lines.push(line);
      line = '';
      lines.push([...rest].slice(0, room).join(''));
      rest = [...rest].slice(room).join('');
    }
    if (!rest) continue;
    if (!line) line = rest;
    else if (textWidth(line) + 1 + textWidth(rest) <= room) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`);
}

/** A column is numeric when most of its filled cells start with a number: those are right-aligned. */
function isNumericColumn(cells: string[]): boolean {
  const filled = cells.filter((c) => c !== '' && c !== '-');
  const numeric = filled.filter((c) => /^[-+]?[\d.,]*\d/.test(c)).length;
  return numeric > 0 && numeric * 2 >= filled.length;
}

const pad = (text: string, width: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, width - textWidth(text)));
  return right ? `${fill}${text}` : `${text}${fill}`;
};

/**
 * Splits columns 1..n into blocks that fit `width` next to column 0, which every block
 * repeats. A column too wide to fit alone next to column 0 is narrowed (its cells truncated).
 */
export function layoutBlocks(widths: number[], width: number): { first: number; blocks: { columns: number[]; widths: number[] }[] } {
  const first = Math.min(widths[0] ?? 0, Math.max(4, Math.floor(width * FIRST_COLUMN_SHARE)));
  const room = width - first;
  const blocks: { columns: number[]; widths: number[] }[] = [];
  let current: { columns: number[]; widths: number[]; used: number } | undefined;
  for (let i = 1; i < widths.length; i++) {
    const w = Math.min(widths[i]!, room - GAP.length);
    if (!current || current.used + GAP.length + w > room) {
      current = { columns: [], widths: [], used: 0 };
      blocks.push(current);
    }
    current.columns.push(i);
    current.widths.push(w);
    current.used += GAP.length + w;
  }
  if (blocks.length === 0) blocks.push({ columns: [], widths: [] });
  return { first: widths.length > 1 ? first : Math.min(widths[0] ?? 0, width), blocks: blocks.map(({ columns, widths: ws }) => ({ columns, widths: ws })) };
}

/**
 * Pure: a table as terminal text no wider than `width`. Numbers right-aligned, one rule
 * under the header and none between rows; columns that do not fit go to further blocks,
 * each repeating the first column. Title and notes wrap.
 */
export function renderTerminal(table: Table, width = DEFAULT_WIDTH): string {
  const w = Math.max(MIN_WIDTH, Math.floor(width));
  const columnCount = Math.max(table.head.length, ...table.rows.map((r) => r.length));
  const column = (i: number) => table.rows.map((r) => r[i] ?? '');
  const natural = Array.from({ length: columnCount }, (_, i) => Math.max(textWidth(table.head[i] ?? ''), ...column(i).map(textWidth)));
  const right = Array.from({ length: columnCount }, (_, i) => i > 0 && isNumericColumn(column(i)));
  const { first, blocks } = layoutBlocks(natural, w);
  const out: string[] = [...wrap(table.title, w)];
  blocks.forEach((block, b) => {
    if (b > 0) out.push('');
    const line = (cells: string[]) =>
      [
        pad(truncate(cells[0] ?? '', first), first, false),
        ...block.columns.map((c, k) => pad(truncate(cells[c] ?? '', block.widths[k]!), block.widths[k]!, right[c]!)),
      ]
        .join(GAP)
        .trimEnd();
    out.push(line(table.head));
    out.push([first, ...block.widths].map((n) => '-'.repeat(n)).join(GAP));
    for (const row of table.rows) out.push(line(row));
  });
  for (const note of table.notes) out.push(...wrap(note, w, '  '));
  return `${out.join('\n')}\n`;
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
