import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as analyzeModule from '../../harness/analysis/analyze.ts';
import { EXPORTER_NAMES, EXPORTERS, type ExporterName } from '../../harness/report/exporters/index.ts';
import { trackedCells } from '../../harness/report/exporters/tracked.ts';
import { leftOutLines, writeReports } from '../../harness/report/write.ts';
import { sixFrameworkResults } from '../cli/fixture.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const results = sixFrameworkResults();
const analysis = analyzeModule.analyze(results);
const serialize = async (name: ExporterName, r = results) => EXPORTERS[name].serialize(r, analyzeModule.analyze(r), []);

vi.mock('../../harness/analysis/analyze.ts', { spy: true });

describe('the exporter registry', () => {
  it('names every format once, each with its own file', () => {
    expect(EXPORTER_NAMES).toEqual(['markdown', 'csv', 'benchmark-action', 'benchmark-action-latency', 'html']);
    expect(new Set(EXPORTER_NAMES.map((n) => EXPORTERS[n].file)).size).toBe(EXPORTER_NAMES.length);
  });
});

describe('writeReports', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('analyses once, hands the analysis to every exporter and writes every file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-exporters-'));
    dirs.push(dir);
    vi.mocked(analyzeModule.analyze).mockClear();
    const written = await writeReports(dir, results);
    expect(vi.mocked(analyzeModule.analyze)).toHaveBeenCalledTimes(1);
    // Charts first (rendered once, for report.html, results.md and their own files), then every exporter.
    expect(written.files.map((f) => path.relative(dir, f))).toEqual([
      ...(written.files.some((f) => f.includes('charts')) ? ['charts/throughput-c64.svg'] : []),
      'results.md',
      'results.csv',
      'benchmark-action.json',
      'benchmark-action-latency.json',
      'report.html',
    ]);
    expect(await readFile(path.join(dir, 'benchmark-action.json'), 'utf8')).toBe(await serialize('benchmark-action'));
    expect(written.leftOut.map((l) => l.id)).toEqual(['drf/db/c64', 'flask/queries/c64', 'django-bolt/json/c64']);
  });
});

describe('benchmark-action.json', () => {
  it('leaves out failed, noisy and loadgen-bound cells and says why', async () => {
    const entries = JSON.parse(await serialize('benchmark-action')) as { name: string }[];
    const names = entries.map((e) => e.name);
    expect(names).not.toContain('django-bolt/json/c64');
    expect(names).not.toContain('flask/queries/c64');
    expect(names).not.toContain('drf/db/c64');
    expect(entries).toHaveLength(results.cells.length - 3);
    expect(leftOutLines(trackedCells(analysis).leftOut)).toEqual([
      'benchmark-action*.json leave out 3 flagged cell(s):',
      '  drf/db/c64: failed (verify: the app exited (3) before answering)',
      '  noisy, repeats vary by more than 5% (1): flask/queries/c64 (9.1%)',
      '  loadgen-bound, the load generator was saturated (1): django-bolt/json/c64',
    ]);
  });

  it('groups the cells that share a reason and wraps every line to the terminal width', () => {
    const noisy = Array.from({ length: 12 }, (_, i) => ({ id: `framework-${i}/db/c64`, reason: `noisy: repeats vary by ${i + 6}.0% (limit 5%)` }));
    const failed = {
      id: 'fastapi/big-result-rows10000/c64',
      reason: 'failed (2 of 311 requests failed (0.64%, above 0.1%): 2 errors (2 timeouts), 0 non-2xx; errors said "timeout" x2)',
    };
    for (const width of [80, 120]) {
      const lines = leftOutLines([failed, ...noisy], width);
      expect(lines[0]).toBe('benchmark-action*.json leave out 13 flagged cell(s):');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      // The failed cell's whole reason is kept, word for word, on its own lines.
      const failedLines = lines.slice(
        1,
        lines.findIndex((l) => l.startsWith('  noisy')),
      );
      expect(failedLines.map((l) => l.trim()).join(' ')).toBe(`${failed.id}: ${failed.reason}`);
      // Every noisy cell is named once, with its spread, under one heading.
      const noisyText = lines.slice(lines.findIndex((l) => l.startsWith('  noisy'))).join(' ');
      expect(noisyText.startsWith('  noisy, repeats vary by more than 5% (12):')).toBe(true);
      for (const [i, c] of noisy.entries()) expect(noisyText).toContain(`${c.id} (${i + 6}.0%)`);
    }
    expect(leftOutLines([failed, ...noisy], 80).length).toBeGreaterThan(leftOutLines([failed, ...noisy], 120).length);
  });

  it('leaves out unmeasured cells and cells with errors', () => {
    const unmeasured = { ...makeCell({ framework: 'flask', scenario: 'json', rps: [] }), status: 'ok' as const };
    const withErrors = makeCell({ framework: 'fastapi', scenario: 'json', rps: [1000] });
    withErrors.repeats[0]!.measurement.errors = 12;
    const r = makeResults([unmeasured, withErrors]);
    expect(trackedCells(analyzeModule.analyze(r)).leftOut).toEqual([
      { id: 'flask/json/c64', reason: 'failed (not measured)' },
      { id: 'fastapi/json/c64', reason: 'errors: 12 errors, 0 timeouts, 0 non-2xx' },
    ]);
  });

  it('writes customBiggerIsBetter entries with range as ± half the min-max spread', async () => {
    const [first] = JSON.parse(await serialize('benchmark-action')) as unknown[];
    expect(first).toEqual({
      name: 'django/json/c64',
      unit: 'req/s',
      value: 2200,
      range: '± 19.3',
      extra: 'bottleneck: framework; repeats: 3; run 20261121T000000Z-standard',
    });
  });

  it('omits range with one repeat', async () => {
    const r = makeResults([makeCell({ framework: 'fastapi', scenario: 'json', rps: [1000], appCpu: 0.99 })]);
    expect(JSON.parse(await serialize('benchmark-action', r))).toEqual([
      { name: 'fastapi/json/c64', unit: 'req/s', value: 1000, extra: 'bottleneck: framework; repeats: 1; run test-run' },
    ]);
  });
});

describe('benchmark-action-latency.json', () => {
  it('carries p99 in ms for customSmallerIsBetter, for the same cells', async () => {
    const latency = JSON.parse(await serialize('benchmark-action-latency')) as { name: string; unit: string; value: number }[];
    const rps = JSON.parse(await serialize('benchmark-action')) as { name: string }[];
    expect(latency.map((e) => e.name)).toEqual(rps.map((e) => `${e.name} p99`));
    expect(latency[0]).toMatchObject({ name: 'django/json/c64 p99', unit: 'ms', value: 30 });
  });
});

describe('results.csv', () => {
  const rows = async (r = results) => {
    const [head, ...lines] = (await serialize('csv', r)).trim().split('\n');
    const names = head!.split(',');
    return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
  };

  it('puts run id, profile, UTC start, commit and machine on every row', async () => {
    const [row] = await rows();
    expect(row).toMatchObject({
      run_id: '20261121T000000Z-standard',
      profile: 'standard',
      started_at: '2026-11-21T00:00:00.000Z',
      commit: '0123456789abcdef0123456789abcdef01234567',
      cpu_model: 'Test CPU',
      cores: '2',
      cell: 'django/json/c64',
    });
  });

  it('flags cells and leaves share_of_fastest empty for them', async () => {
    const byCell = new Map((await rows()).map((r) => [r.cell, r]));
    expect(byCell.get('django-bolt/json/c64')).toMatchObject({ flags: 'loadgen-bound', share_of_fastest: '' });
    expect(byCell.get('flask/queries/c64')).toMatchObject({ flags: 'noisy', share_of_fastest: '' });
    expect(byCell.get('drf/db/c64')).toMatchObject({ flags: 'failed', share_of_fastest: '' });
    expect(byCell.get('starlette/json/c64')).toMatchObject({ flags: '', share_of_fastest: '1.000' });
  });

  it('leaves min, max and cv empty with one repeat, and the commit empty when unknown', async () => {
    const r = makeResults([makeCell({ framework: 'fastapi', scenario: 'json', rps: [1000] })]);
    expect((await rows(r))[0]).toMatchObject({ commit: '', rps_median: '1000.0', rps_min: '', rps_max: '', rps_cv: '', repeats: '1' });
  });
});
