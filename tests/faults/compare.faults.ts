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

/** Three repeats, 1% apart (in the order given): tight enough for an interval well inside the 10% threshold. */
const cell = (framework: string, rps: number, jitter = [1, 1.01, 0.99]) => makeCell({ framework, scenario: 'db', rps: jitter.map((j) => rps * j) });
const baseline = runDir('baseline', JSON.stringify(makeResults([cell('flask', 1000), cell('fastapi', 2000), cell('django', 1500)])));
const candidate = runDir('candidate', JSON.stringify(makeResults([cell('flask', 1000), cell('django', 1500)])));
const base = makeResults([]);
/** Every framework 15% slower on another machine: the machine's change, not the code's. */
const slowerMachine = runDir(
  'slower-machine',
  JSON.stringify(
    makeResults([cell('flask', 850, [0.99, 1, 1.01]), cell('fastapi', 1700, [1.01, 0.99, 1]), cell('django', 1275)], {
      machine: { ...base.machine, cpuModel: 'Slower CPU' },
    }),
  ),
);

async function crossover(args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const r = await execa(process.execPath, [path.join(REPO_ROOT, 'bin', 'crossover.js'), ...args], { reject: false, cwd: REPO_ROOT, all: true, env });
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
    expect(JSON.parse(r.stdout)).toMatchObject({ failed: true, counts: { missing: 1, unchanged: 2 } });
  });

  it('another machine 15% slower for everyone: relative by default, "the machine changed", exit 0; --absolute exits 4', async () => {
    const r = await crossover(['compare', baseline, slowerMachine]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^mode: relative \(the machines differ\)/m);
    expect(r.stdout).toMatch(/^common shift: -15\.0% \(.*\), the median change of 3 cells: .*the machine changed/ms);
    expect(r.stdout).toMatch(/0 regressed, 0 missing, 0 improved, 0 undecided, 3 unchanged/);
    const absolute = await crossover(['compare', baseline, slowerMachine, '--absolute']);
    expect(absolute.exitCode, absolute.all).toBe(4);
    expect(absolute.stdout).toMatch(/flask +1,000 +850 +-15\.0% \(-16\.7 to -13\.3\) +regressed/);
    expect(absolute.stderr).toMatch(/3 cell\(s\) regressed .*flask\/db\/c64 \(regressed\)/);
  });

  it('the text fits an 80-column terminal', async () => {
    const r = await crossover(['compare', baseline, slowerMachine], { COLUMNS: '80' });
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('a truncated results.json exits 3 with the file, line and column', async () => {
    const text = JSON.stringify(makeResults([cell('flask', 1000)]), null, 2);
    const broken = runDir('truncated', text.slice(0, 300));
    const r = await crossover(['compare', baseline, broken]);
    expect(r.exitCode, r.all).toBe(3);
    expect(r.stderr).toMatch(/truncated\/results\.json:\d+:\d+: not valid JSON: the file ends early/);
  });
});
