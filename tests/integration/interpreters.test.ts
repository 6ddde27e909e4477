import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { type PythonInfo, probePython } from '../../harness/python/discover.ts';
import { readResults } from '../../harness/results/read.ts';
import { runApps } from '../support/run.ts';

/**
 * The interpreters this machine has for Flask (3.10+), one per minor version, newest first:
 * pyenv's versions folder and PATH, found by running them as the harness does.
 */
async function interpreters(): Promise<PythonInfo[]> {
  const root = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const pyenv = await readdir(path.join(root, 'versions')).then(
    (vs) => vs.map((v) => path.join(root, 'versions', v, 'bin', 'python3')),
    () => [],
  );
  const found = (await Promise.all(['python3', ...pyenv].map(probePython))).filter((p): p is PythonInfo => p !== undefined && (p.major > 3 || p.minor >= 10));
  const byMinor = new Map(found.map((p) => [`${p.major}.${p.minor}${p.freeThreaded ? 't' : ''}`, p]));
  return [...byMinor.values()].sort((a, b) => b.major - a.major || b.minor - a.minor);
}

describe('the interpreter as an axis (--python a,b) on the local runtime', () => {
  it('runs Flask under two interpreters as two verified rows, each in its own virtualenv, paired in the comparison table', async () => {
    const found = await interpreters();
    // Loud, not skipped: this machine kind has pyenv's 3.10-3.13; a machine with one interpreter cannot test the axis.
    expect(found.length, `two Python versions of 3.10 or newer are needed, found ${found.map((p) => p.version).join(', ') || 'none'}`).toBeGreaterThanOrEqual(
      2,
    );
    const [newer, older] = found as [PythonInfo, PythonInfo];
    const label = (p: PythonInfo) => `py${p.major}.${p.minor}`;
    const { out, results, log } = await runApps(['flask'], {
      runtime: 'local',
      python: `${older.path},${newer.path}`,
      scenarios: 'json,db',
      duration: '1',
      warmup: '0.5',
      repeat: '3',
    });
    const rows = [`flask-${label(older)}`, `flask-${label(newer)}`];
    expect(results.config.frameworks).toEqual(rows);
    expect(results.config.interpreters?.map((i) => i.version)).toEqual([older.version, newer.version]);
    expect(results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason}`)).toEqual([]);
    for (const cell of results.cells) {
      expect(cell.verification?.problems, cell.id).toEqual([]);
      expect(cell.repeats).toHaveLength(3);
    }
    // Each row ran its own interpreter: pip freeze came from a venv of that version.
    expect(results.apps[rows[0]!]).toMatchObject({ pythonVersion: older.version, interpreterOf: 'flask' });
    expect(results.apps[rows[1]!]).toMatchObject({ pythonVersion: newer.version, interpreterOf: 'flask', variantOf: rows[0] });
    expect(log.some((l) => l.startsWith(`interpreters: ${label(older)} (${older.version}`))).toBe(true);
    // The comparison table sets the newer interpreter against the older, per column, with an interval.
    const read = await readResults(out);
    const pair = read.analysis?.variants?.find((p) => p.variant === rows[1]);
    expect(pair?.base).toBe(rows[0]);
    expect(pair?.sentence).toContain(`Python ${newer.version} instead of Python ${older.version}`);
    // This run's apps are gone (its venvs are named after the rows; the database is the harness's own, stopped with it).
    const leftovers = await execa('pgrep', ['-af', `.cache/venvs/(${rows.join('|')})-`], { reject: false });
    expect(leftovers.stdout).toBe('');
  });
});
