import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/read.ts';
import { saveResults } from '../../harness/results/store.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-store-'));
  dirs.push(dir);
  return dir;
};

describe('results store', () => {
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips results through the schema', async () => {
    const dir = await tempDir();
    const results = makeResults([makeCell({ framework: 'fastapi', scenario: 'json', rps: [1234] })]);
    await saveResults(dir, results);
    expect(await readResults(dir)).toEqual(results);
  });

  it('refuses to write, and to read, results that break the schema, naming the field', async () => {
    const dir = await tempDir();
    const bad = makeResults([makeCell({ framework: 'fastapi', scenario: 'json', rps: [-5] })]);
    await expect(saveResults(dir, bad)).rejects.toThrow(/cells\.0\.repeats\.0\.measurement\.rps/);
    await saveResults(dir, makeResults([]));
    const file = path.join(dir, 'results.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.status = 'finished-ish';
    await writeFile(file, JSON.stringify(json));
    await expect(readResults(dir)).rejects.toThrow(/results\.json does not match the results schema: status/);
  });
});
