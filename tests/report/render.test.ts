import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { layoutBlocks, renderTerminal, truncate, wrap } from '../../harness/report/render.ts';
import { orderFrameworks, terminalReport } from '../../harness/report/report.ts';
import { type Table, throughputTable } from '../../harness/report/tables.ts';
import { sixFrameworkResults } from '../cli/fixture.ts';

const results = sixFrameworkResults();
const analysis = analyze(results);
const longest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

/** A small deterministic generator (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('renderTerminal', () => {
  it('fits 80 columns: numbers right-aligned, one rule under the header, further columns in blocks repeating the first', () => {
    const table = throughputTable(results, analysis);
    expect(renderTerminal({ ...table, rows: table.rows.slice(0, 3) }, 80)).toMatchInlineSnapshot(`
      "Requests per second (2xx responses/s, median of 3 with its 95% interval)
      framework                             json                   db
      ---------------------  -------------------  -------------------
      Django                 2,200 (2,189-2,228)        836 (825-853)
      Django REST framework  1,800 (1,791-1,823)               FAILED
      Flask                  2,800 (2,786-2,835)  1,064 (1,050-1,085)

      framework                            queries   slow-db 0 ms   slow-db 1 ms
      ---------------------  ---------------------  -------------  -------------
      Django                         111 (110-113)  660 (655-666)  660 (655-666)
      Django REST framework       90.9 (90.0-92.3)  540 (536-545)  540 (536-545)
      Flask                  330 (300-360) [noisy]  840 (833-847)  840 (833-847)

      framework               slow-db 2 ms   slow-db 5 ms  slow-db 10 ms
      ---------------------  -------------  -------------  -------------
      Django                 660 (655-666)  660 (655-666)  660 (655-666)
      Django REST framework  540 (536-545)  540 (536-545)  540 (536-545)
      Flask                  840 (833-847)  840 (833-847)  833 (833-833)

      framework              slow-db 20 ms  slow-db 50 ms
      ---------------------  -------------  -------------
      Django                 455 (455-455)  192 (192-192)
      Django REST framework  455 (455-455)  192 (192-192)
      Flask                  455 (455-455)  192 (192-192)
        noisy: repeats vary by more than 5% (coefficient of variation); loadgen-bound:
        the load generator was saturated, so this is not a framework number.
      "
    `);
  });

  it('fits 120 columns with fewer blocks', () => {
    const table = throughputTable(results, analysis);
    expect(renderTerminal({ ...table, rows: table.rows.slice(3), notes: [] }, 120)).toMatchInlineSnapshot(`
      "Requests per second (2xx responses/s, median of 3 with its 95% interval)
      framework                                      json                   db              queries         slow-db 0 ms
      -----------  --------------------------------------  -------------------  -------------------  -------------------
      FastAPI                         5,600 (5,572-5,670)  2,128 (2,100-2,170)        283 (280-287)  1,680 (1,666-1,694)
      Starlette                       8,400 (8,358-8,505)  3,192 (3,150-3,255)        424 (420-431)  2,520 (2,499-2,541)
      django-bolt  39,700 (39,500-39,800) [loadgen-bound]  9,120 (9,000-9,300)  1,212 (1,200-1,230)  5,000 (5,000-5,000)

      framework           slow-db 1 ms         slow-db 2 ms         slow-db 5 ms  slow-db 10 ms  slow-db 20 ms  slow-db 50 ms
      -----------  -------------------  -------------------  -------------------  -------------  -------------  -------------
      FastAPI      1,680 (1,666-1,694)  1,680 (1,666-1,694)  1,429 (1,429-1,429)  833 (833-833)  455 (455-455)  192 (192-192)
      Starlette    2,520 (2,499-2,541)  2,500 (2,499-2,500)  1,429 (1,429-1,429)  833 (833-833)  455 (455-455)  192 (192-192)
      django-bolt  3,333 (3,333-3,333)  2,500 (2,500-2,500)  1,429 (1,429-1,429)  833 (833-833)  455 (455-455)  192 (192-192)
      "
    `);
  });

  it('truncates with an ellipsis a cell that cannot fit beside the first column even alone', () => {
    const table: Table = { title: 'T', head: ['cell', 'reason'], rows: [['flask/db/c64', 'x'.repeat(200)]], notes: [] };
    const text = renderTerminal(table, 40);
    expect(longest(text)).toBeLessThanOrEqual(40);
    expect(text).toContain('…');
    expect(text.split('\n')[3]).toMatch(/^flask\/db\/c64 {2}x+…$/);
  });

  it('wraps title and notes to the width', () => {
    expect(wrap('aaa bbb ccc ddd', 8, '  ')).toEqual(['  aaa', '  bbb', '  ccc', '  ddd']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('puts every column after the first into some block, none wider than the width', () => {
    const { first, blocks } = layoutBlocks([10, 30, 30, 30, 5], 80);
    expect(first).toBe(10);
    expect(blocks.map((b) => b.columns)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('never prints a line longer than the width (random tables, widths 20 to 200)', () => {
    const next = rng(42);
    const word = () => Array.from({ length: 1 + Math.floor(next() * 30) }, () => 'abcdefgh 0123456789,.-%'[Math.floor(next() * 23)]).join('');
    for (let i = 0; i < 300; i++) {
      const columns = 1 + Math.floor(next() * 12);
      const table: Table = {
        title: Array.from({ length: 1 + Math.floor(next() * 20) }, word).join(' '),
        head: Array.from({ length: columns }, word),
        rows: Array.from({ length: Math.floor(next() * 6) }, () => Array.from({ length: columns }, () => (next() < 0.1 ? word().repeat(10) : word()))),
        notes: Array.from({ length: Math.floor(next() * 3) }, () => Array.from({ length: Math.floor(next() * 40) }, word).join(' ')),
      };
      const width = 20 + Math.floor(next() * 181);
      expect(longest(renderTerminal(table, width)), `case ${i} at width ${width}`).toBeLessThanOrEqual(width);
    }
  });
});

describe('terminalReport', () => {
  it.each([80, 120])('prints no line longer than %i columns for a six-framework sweep, verbose or not', (width) => {
    for (const verbose of [false, true]) expect(longest(terminalReport(results, analysis, { width, verbose, order: 'run' }))).toBeLessThanOrEqual(width);
  });

  it('shows only the bottleneck label per cell; --verbose adds the evidence', () => {
    const compact = terminalReport(results, analysis, { width: 120, verbose: false, order: 'run' });
    expect(compact).toContain('Bottleneck per cell (every limit that holds)');
    expect(compact).not.toContain('app CPU 99%');
    expect(terminalReport(results, analysis, { width: 120, verbose: true, order: 'run' })).toContain('app CPU 99%');
  });

  it('keeps the run order, or orders by share of the fastest with --sort rps, and says which', () => {
    expect(orderFrameworks(results, analysis, 'run').config.frameworks).toEqual(results.config.frameworks);
    expect(orderFrameworks(results, analysis, 'rps').config.frameworks).toEqual(['django-bolt', 'starlette', 'fastapi', 'flask', 'django', 'drf']);
    expect(terminalReport(results, analysis, { width: 100, verbose: false, order: 'rps' })).toContain('Frameworks ordered by mean share of the fastest');
  });
});
