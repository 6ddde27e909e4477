import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';
import { makeCell, makeResults } from '../support/factories.ts';
import { report } from './support.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-fault-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runDir(name: string, content: string): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'results.json'), content);
  return d;
}

const cell = (framework: string, rps: number) => makeCell({ framework, scenario: 'db', rps: [rps] });
const baseline = runDir('baseline', JSON.stringify(makeResults([cell('flask', 1000), cell('fastapi', 2000)])));
const candidate = runDir('candidate', JSON.stringify(makeResults([cell('flask', 1000)])));

async function crossover(args: string[]) {
  const started = Date.now();
  const r = await execa(process.execPath, [path.join(REPO_ROOT, 'bin', 'crossover.js'), ...args], { reject: false, cwd: REPO_ROOT, all: true });
  report(
    `compare ${args
      .slice(1)
      .map((a) => path.basename(a))
      .join(' ')}`,
    { code: r.exitCode ?? null, exitS: (Date.now() - started) / 1000 },
  );
  return r;
}

describe('compare through the CLI', () => {
  it('exits 4 when a baseline cell is missing from the candidate, and names it', async () => {
    const r = await crossover(['compare', baseline, candidate]);
    expect(r.exitCode, r.all).toBe(4);
    expect(r.stdout).toMatch(/0 regressed, 1 missing/);
    expect(r.stderr).toMatch(/fastapi\/db\/c64 \(missing\)/);
  });

  it('--format json prints one JSON document on stdout with the counts', async () => {
    const r = await crossover(['compare', baseline, candidate, '--format', 'json']);
    expect(r.exitCode, r.all).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ failed: true, counts: { missing: 1, unchanged: 1 } });
  });

  it('a truncated results.json exits 3 with the file, line and column', async () => {
    const text = JSON.stringify(makeResults([cell('flask', 1000)]), null, 2);
    const broken = runDir('truncated', text.slice(0, 300));
    const r = await crossover(['compare', baseline, broken]);
    expect(r.exitCode, r.all).toBe(3);
    expect(r.stderr).toMatch(/truncated\/results\.json:\d+:\d+: not valid JSON: the file ends early/);
  });
});
