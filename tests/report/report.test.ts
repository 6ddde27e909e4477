import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { renderMarkdown } from '../../harness/report/render.ts';
import { attributionTable, crossoverTable, throughputTable } from '../../harness/report/tables.ts';
import { htmlReport } from '../../harness/report/html.ts';
import { markdownExporter } from '../../harness/report/exporters/markdown.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const sweep = (framework: string, rps: number[], appCpu: number[]) =>
  [0, 5, 10, 20].map((ms, i) => makeCell({ framework, scenario: 'slow-db', dbLatencyMs: ms, rps: [rps[i]!], appCpu: appCpu[i], dbCpu: 0.2, loadgenCpu: 0.1 }));

const results = makeResults([
  makeCell({ framework: 'fastapi', scenario: 'json', rps: [9000, 9400, 9100], appCpu: 0.99, loadgenCpu: 0.4 }),
  makeCell({ framework: 'flask', scenario: 'json', rps: [3000, 3500, 3100], appCpu: 0.97, loadgenCpu: 0.2 }),
  makeCell({ framework: 'fastapi', scenario: 'db', rps: [5000, 5100, 5050], appCpu: 0.98, dbCpu: 0.3, loadgenCpu: 0.3 }),
  makeCell({ framework: 'flask', scenario: 'db', rps: [0], failed: "GET /db: Content-Type is 'text/html', expected application/json" }),
  ...sweep('fastapi', [5000, 1800, 950, 480], [0.98, 0.5, 0.3, 0.2]),
  ...sweep('flask', [2000, 1500, 930, 470], [0.97, 0.9, 0.6, 0.3]),
]);

describe('tables', () => {
  it('shows the median with the min-max spread and flags noisy cells and failures', () => {
    expect(renderMarkdown(throughputTable(results, analyze(results))).split('\n').slice(0, 6).join('\n')).toMatchInlineSnapshot(`
      "### Requests per second (2xx responses/s, median of 3 with min-max)

      | framework | json | db | slow-db 0ms | slow-db 5ms | slow-db 10ms | slow-db 20ms |
      | --- | ---: | ---: | ---: | ---: | ---: | ---: |
      | FastAPI | 9,100 (9,000-9,400) | 5,050 (5,000-5,100) | 5,000 | 1,800 | 950 | 480 |
      | Flask | 3,100 (3,000-3,500) [noisy] | FAILED | 2,000 | 1,500 | 930 | 470 |"
    `);
  });

  it('labels every measured cell with its bottleneck and the evidence', () => {
    const rows = attributionTable(results, analyze(results)).rows;
    expect(rows[0]![2]).toBe('framework: app CPU 98%, db CPU 30%, loadgen CPU 30%, 42% of the 12,000 req/s database ceiling');
    expect(rows[0]![5]).toBe("concurrency limit: app CPU 30%, db CPU 20%, loadgen CPU 10%, 95% of the 1,000 req/s Little's-law bound");
    expect(rows[1]![2]).toBe('FAILED');
  });

  it('names the crossover latency per framework and overall', () => {
    const table = crossoverTable(results, analyze(results))!;
    expect(table.rows).toEqual([
      ['FastAPI', '5,000 framework', '1,800 conc', '950 conc', '480 conc', '5 ms'],
      ['Flask', '2,000 framework', '1,500 framework', '930 conc', '470 conc', '10 ms'],
      ['spread', '60%', '17%', '2%', '2%', ''],
    ]);
    expect(table.notes[0]).toContain('From 10 ms of database latency on, every framework lies within 10% of the fastest');
  });

  it('writes the footnote with machine, layout, profile and versions', async () => {
    const md = await markdownExporter.serialize(results, analyze(results));
    expect(md).toContain('Machine: Test CPU, 2 cores, Linux 6.1');
    expect(md).toContain('CPU layout: app on CPU 1, database on 0, load generator on 0 (shared: shared)');
    expect(md).toContain('Profile standard: 3 s warm-up, 10 s measured, 3 repeat(s) interleaved across frameworks');
  });

  it('draws the crossover as SVG in a self-contained HTML report', () => {
    const html = htmlReport(results);
    expect(html).toContain('<svg');
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).toContain('FastAPI');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
