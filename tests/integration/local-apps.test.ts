import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/read.ts';
import { runApps } from '../support/run.ts';

/** Every framework, every scenario, for real: virtualenvs, embedded PostgreSQL, verification, autocannon. */
const FRAMEWORKS = ['django', 'drf', 'flask', 'fastapi', 'starlette', 'django-bolt'];

describe('all six apps on the local runtime', () => {
  it('verifies and measures every cell, sync and async, against the embedded database', async () => {
    // Short windows and one slow-db latency: this proves the pipeline end to end; the sweep and the figures belong to `npm run bench`.
    const { out, results, log } = await runApps(FRAMEWORKS, { runtime: 'local', duration: '2', warmup: '1', dbLatencies: '10' });

    const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason} ${c.failure?.logLines.join(' | ')}`);
    expect(failures).toEqual([]);
    // json, db, fortunes, queries, updates, slow-db at one latency (plaintext is not in quick).
    expect(results.cells).toHaveLength(FRAMEWORKS.length * 6);
    for (const cell of results.cells) {
      expect(cell.verification?.problems).toEqual([]);
      expect(cell.repeats).toHaveLength(1);
      const m = cell.repeats[0]!.measurement;
      expect(m.rps, cell.id).toBeGreaterThan(0);
      expect(m.errors + m.non2xx + m.timeouts, cell.id).toBe(0);
      // The worker rule held under load: never more database connections than the cap (10).
      if (cell.kind !== 'json') expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeLessThanOrEqual(10);
      // The app's process tree was sampled while it served.
      expect(cell.repeats[0]!.resources?.app?.cpuMeanUtil, cell.id).toBeGreaterThan(0);
      const raw = JSON.parse(await readFile(path.join(out, cell.repeats[0]!.rawFile), 'utf8'));
      // The measurement is the window of one continuous run, kept raw beside autocannon's own result for the whole run.
      expect(raw.window.responses2xx).toBe(m.requests2xx);
      expect(raw.result['2xx']).toBeGreaterThanOrEqual(m.requests2xx);
    }
    // slow-db at 10 ms cannot beat Little's law: 10 connections / 10 ms = 1,000 req/s.
    for (const cell of results.cells.filter((c) => c.kind === 'slow-db')) {
      expect(cell.repeats[0]!.measurement.rps, cell.id).toBeLessThan(1000 * 1.02);
    }
    // Versions of what ran are recorded per app, and the run reads back through the schema.
    expect(results.apps['django-bolt']?.keyPackages['django-bolt']).toMatch(/^\d+\.\d+/);
    expect(results.apps['fastapi']?.packages['uvicorn']).toMatch(/^\d+\.\d+/);
    expect((await readResults(out)).status).toBe('complete');
    // Nothing the harness started is left: no app process from a cached venv, no embedded PostgreSQL.
    expect(log.join('\n')).not.toMatch(/warning: stopping/);
    const leftovers = await execa('pgrep', ['-af', '.cache/venvs|crossover-pg-'], { reject: false });
    expect(leftovers.stdout).toBe('');
  });
});
