import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseResults, readResults } from '../../harness/results/read.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const good = () => JSON.stringify(makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [1000] })]), null, 2);

describe('readResults', () => {
  it('reads a run folder', async () => {
    writeFileSync(path.join(dir, 'results.json'), good());
    expect((await readResults(dir)).cells[0]?.id).toBe('flask/db/c64');
  });

  it('names a missing file', async () => {
    await expect(readResults(path.join(dir, 'nope'))).rejects.toMatchObject({
      code: 'RESULTS',
      message: expect.stringMatching(/cannot read .*nope\/results\.json: ENOENT/),
    });
  });

  it('gives the line and column of a hand-edit that broke the JSON', () => {
    const text = good().replace('"runId": "test-run",', '"runId": "test-run",,');
    const line = text.split('\n').findIndex((l) => l.includes('"runId"')) + 1;
    expect(() => parseResults(text, 'x/results.json')).toThrow(new RegExp(`^x/results\\.json:${line}:23: not valid JSON: unexpected ",\\\\n`));
  });

  it('says a truncated file ends early, at its last line', () => {
    const text = good().slice(0, 500);
    const lines = text.split('\n');
    expect(() => parseResults(text, 'r.json')).toThrow(`r.json:${lines.length}:${lines.at(-1)!.length + 1}: not valid JSON: the file ends early (truncated?)`);
  });

  it('gives the zod path, what was expected and what was found', () => {
    const data = JSON.parse(good());
    data.cells[0].repeats[0].measurement.rps = 'fast';
    data.cells[0].status = 'great';
    delete data.machine.cores;
    let message = '';
    try {
      parseResults(JSON.stringify(data), 'r.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('r.json does not match the results schema:');
    expect(message).toContain('machine.cores: expected number, but it is missing');
    expect(message).toContain('cells[0].status: expected one of "ok", "failed"');
    expect(message).toContain('got "great"');
    expect(message).toContain('cells[0].repeats[0].measurement.rps: expected number, got "fast"');
  });

  it('reads a version 1 file, upgraded to the current schema', () => {
    const text = readFileSync(new URL('../fixtures/results/sweep-v1.json', import.meta.url), 'utf8');
    expect(JSON.parse(text).schemaVersion).toBe(1);
    const results = parseResults(text, 'sweep-v1.json');
    expect(results.schemaVersion).toBe(2);
    expect(results.cells.length).toBeGreaterThan(0);
  });

  it('names a schema version it cannot read', () => {
    const data = JSON.parse(good());
    data.schemaVersion = 7;
    expect(() => parseResults(JSON.stringify(data), 'r.json')).toThrow('r.json: schemaVersion is 7, this harness reads 2');
  });
});

describe('jsonErrorOffset', () => {
  it('finds where a parser must stop', () => {
    expect(jsonErrorOffset('{"a": 1}')).toBe(8);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('{"a": "x\\q"}')).toBe(9);
    expect(jsonErrorOffset('{} x')).toBe(3);
  });
});
