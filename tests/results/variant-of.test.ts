import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../../harness/apps/manifest.ts';
import { workerSettings } from '../../harness/apps/workers.ts';
import { APPS_DIR } from '../../harness/paths.ts';
import { appRecord } from '../../harness/pipeline/prepare.ts';
import { parseResults } from '../../harness/results/read.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const prepared = (app: Awaited<ReturnType<typeof loadApp>>) => ({ app, pythonVersion: '3.13.5', packages: {}, prepareS: 0, cached: true });

describe('variantOf in the results', () => {
  it('is recorded per app from the manifest, and absent for a base app', async () => {
    const variant = await loadApp(APPS_DIR, 'fastapi-sqlalchemy');
    const base = await loadApp(APPS_DIR, 'fastapi');
    const settings = workerSettings(variant, 1, 10);
    expect(appRecord(variant, prepared(variant), settings).variantOf).toBe('fastapi');
    expect('variantOf' in appRecord(base, prepared(base), settings)).toBe(false);
  });

  it('survives a write and a read, and results from before it still load', () => {
    const results = makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [1000] })]);
    results.apps['flask-granian'] = { ...results.apps['flask']!, displayName: 'Flask on Granian', server: 'granian', variantOf: 'flask' };
    const read = parseResults(JSON.stringify(results), 'results.json');
    expect(read.apps['flask-granian']?.variantOf).toBe('flask');
    expect(read.apps['flask']?.variantOf).toBeUndefined();
    // A version 1 file, written long before variants existed.
    const v1 = parseResults(readFileSync(new URL('../fixtures/results/sweep-v1.json', import.meta.url), 'utf8'), 'sweep-v1.json');
    expect(Object.values(v1.apps).every((a) => a.variantOf === undefined)).toBe(true);
    expect(Object.keys(v1.apps).length).toBeGreaterThan(0);
  });
});
