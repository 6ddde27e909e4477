import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartFiles } from '../../harness/report/charts/files.ts';
import { htmlReport, scopeSvgIds } from '../../harness/report/html.ts';
import { leadingWarnings } from '../../harness/report/leading.ts';
import { failuresTable } from '../../harness/report/tables.ts';
import { writeReports } from '../../harness/report/write.ts';
import { migrateResults } from '../../harness/results/migrate.ts';
import { makeCell, makeResults } from '../support/factories.ts';

/** A synthetic standard run shaped like one on a 2-core VM (numbers modelled, not measured): 6 frameworks, slow-db 0-20 ms, 3 repeats, a DRIFT warning. */
const sweep = migrateResults(JSON.parse(readFileSync(new URL('../fixtures/results/sweep-v1.json', import.meta.url), 'utf8')));
const NAMES = ['Django', 'Django REST framework', 'Flask', 'FastAPI', 'Starlette', 'django-bolt'];

describe('report.html', () => {
  it('is self-contained, and puts the warnings, then the chart, then the tables', async () => {
    const html = await htmlReport(sweep);
    expect(html).not.toMatch(/<script|<link|<img|https?:\/\/(?!www\.w3\.org)/);
    const at = (text: string) => html.indexOf(text);
    expect(at('Read these first')).toBeGreaterThan(0);
    expect(at('DRIFT: django/json/c64 moved -6.8%')).toBeLessThan(at('<svg'));
    expect(at('<svg')).toBeLessThan(at('<table'));
    expect(html).toContain('run 20261121T140312Z-standard · Intel(R) Xeon(R) Processor @ 2.50GHz, 2 cores · 2026-11-21 14:03 UTC');
    for (const name of NAMES) expect(html).toContain(`>${name}</text>`);
    expect(html).toContain('href="charts/throughput-c64.svg"');
  });

  it('says why there is no chart when the run did not sweep, and shows no warnings box without warnings', async () => {
    const html = await htmlReport(makeResults([makeCell({ framework: 'fastapi', scenario: 'json', rps: [9000] })]));
    expect(html).not.toContain('<svg');
    expect(html).toContain('No chart: the run measured slow-db at fewer than two database latencies.');
    expect(html).not.toContain('Read these first');
  });
});

describe('leadingWarnings', () => {
  it('leads with what puts the numbers in doubt and leaves out the shared-core note', () => {
    const cell = { ...makeCell({ framework: 'flask', scenario: 'json', rps: [3000] }), crossCheck: { tool: 'wrk', rps: 4000, ratio: 0.75, flagged: true } };
    const results = makeResults([cell, makeCell({ framework: 'fastapi', scenario: 'db', rps: [0], failed: 'bad body' })], {
      status: 'interrupted',
      warnings: [
        { code: 'SHARED_CORES', message: 'shared' },
        { code: 'NO_PGBENCH', message: 'pgbench not found' },
        { code: 'DRIFT', message: 'moved 8%', hint: 're-run' },
      ],
    });
    expect(leadingWarnings(results)).toEqual([
      'DRIFT: moved 8% (re-run)',
      'CROSS_CHECK: the load generators disagree by more than 10% on flask/json/c64 (autocannon/wrk 0.75); those cells are not trustworthy',
      'NO_PGBENCH: pgbench not found',
      '1 cell(s) failed and are not in the tables: see "Failed cells" below',
      'The run is interrupted: the tables hold only the cells measured before it stopped',
    ]);
  });

  it('tells a run that failed cells but ran to the end from one that stopped', () => {
    const ok = makeCell({ framework: 'flask', scenario: 'json', rps: [3000] });
    const bad = makeCell({ framework: 'fastapi', scenario: 'json', rps: [0], failed: 'timeouts' });
    const ranToEnd = leadingWarnings(makeResults([ok, bad], { status: 'failed' }));
    expect(ranToEnd).toContain('The run is failed because of the failed cell(s): it ran to the end, and every other cell is in the tables');
    expect(ranToEnd.join('\n')).not.toContain('before it stopped');
    const stopped = leadingWarnings(makeResults([ok, { ...bad, status: 'unmeasured' as const }], { status: 'failed' }));
    expect(stopped).toContain('The run is failed with 1 cell(s) never reached: the tables hold only the cells measured before it stopped');
    // The failures table counts the same cells as the leading lines: failed ones with their reason, unmeasured ones as never reached.
    expect(failuresTable(makeResults([ok, bad], { status: 'failed' }))).toMatchObject({
      title: 'Failed cells (not in the tables)',
      rows: [[bad.id, expect.any(String), 'timeouts']],
    });
    expect(failuresTable(makeResults([ok, { ...bad, status: 'unmeasured' as const }], { status: 'failed' }))).toMatchObject({
      title: 'Failed and unmeasured cells (not in the tables)',
      rows: [[bad.id, '-', 'never reached: the run stopped before this cell']],
    });
    expect(failuresTable(makeResults([ok]))).toBeUndefined();
  });
});

describe('chart SVG files', () => {
  it('writes each chart as a standalone SVG beside report.html, caption and frameworks inside', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-html-test-'));
    try {
      const written = await writeReports(dir, sweep);
      expect(written.files.map((f) => path.relative(dir, f)).sort()).toEqual([
        'benchmark-action-latency.json',
        'benchmark-action.json',
        'charts/throughput-c64.svg',
        'report.html',
        'results.csv',
        'results.md',
      ]);
      expect(await readFile(path.join(dir, 'results.md'), 'utf8')).toContain(
        '![Requests/s against database latency, 64 connections](charts/throughput-c64.svg)',
      );
      const svg = await readFile(path.join(dir, 'charts/throughput-c64.svg'), 'utf8');
      checkSvg(svg);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const checkSvg = (svg: string) => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('run 20261121T140312Z-standard');
    for (const name of NAMES) expect(svg).toContain(name);
    expect(svg).toContain('crossover 10 ms');
  };

  it('renders the open-loop latency chart to its own file', async () => {
    const caption = { runId: 'r', machine: 'Test CPU, 2 cores', date: '2026-11-21 14:03 UTC' };
    const points = [0, 5, 20].map((ms) => ({ requestedMs: ms, effectiveMs: ms, p50Ms: ms + 1, p99Ms: ms + 5, p999Ms: ms + 9 }));
    const files = await chartFiles({
      throughput: [],
      latency: [
        {
          offeredRps: 299.6,
          settings: points.map((p) => ({ requestedMs: p.requestedMs, effectiveMs: p.effectiveMs })),
          frameworks: [{ framework: 'flask', displayName: 'Flask', points }],
          caption,
        },
      ],
    });
    expect(Object.keys(files)).toEqual(['charts/latency-p99-300rps.svg']);
    expect(files['charts/latency-p99-300rps.svg']).toContain('Flask');
  });
});

describe('scopeSvgIds', () => {
  it('prefixes ids and their references so inlined charts keep their own clip paths', () => {
    expect(scopeSvgIds('<clipPath id="clip1"></clipPath><g clip-path="url(#clip1)">', 'chart0')).toBe(
      '<clipPath id="chart0-clip1"></clipPath><g clip-path="url(#chart0-clip1)">',
    );
  });
});
