import { describe, expect, it } from 'vitest';
import { disturbance, disturbedCellIds, disturbedRepeats, NEIGHBOURS_MAX_CORE_SHARE, neighboursDetail } from '../../harness/analysis/neighbours.ts';
import { leadingWarnings } from '../../harness/report/leading.ts';
import type { Neighbours } from '../../harness/results/neighbours-schema.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const quiet: Neighbours = { coreShare: 0.02, peakCoreShare: 0.08, stealShare: 0.001, windowS: 10, top: [{ pid: 1, comm: 'process_api', coreShare: 0.01 }] };
const busy: Neighbours = {
  coreShare: 0.48,
  peakCoreShare: 1,
  stealShare: 0,
  windowS: 10,
  top: [
    { pid: 4242, comm: 'node', coreShare: 0.45 },
    { pid: 31, comm: 'cron', coreShare: 0.02 },
  ],
};

describe('disturbance', () => {
  it('flags a window only above a tenth of a core of other processes, or above 2% steal', () => {
    expect(NEIGHBOURS_MAX_CORE_SHARE).toBe(0.1);
    expect(disturbance(undefined)).toBeUndefined();
    expect(disturbance(quiet)).toBeUndefined();
    expect(disturbance({ ...quiet, coreShare: 0.1 })).toBeUndefined();
    expect(disturbance({ ...quiet, coreShare: 0.11 })).toBe('other processes took 11% of a core: process_api (pid 1) 1%');
    expect(disturbance(busy)).toBe('other processes took 48% of a core: node (pid 4242) 45%, cron (pid 31) 2%');
    expect(disturbance({ ...busy, coreShare: 1.96 })).toMatch(/^other processes took 2\.0 cores: /);
    expect(disturbance({ ...quiet, stealShare: 0.02 })).toBeUndefined();
    expect(disturbance({ ...quiet, stealShare: 0.031 })).toBe('the hypervisor took 3.1% of the CPU time');
    expect(disturbance({ ...busy, stealShare: 0.05 })).toBe(
      'other processes took 48% of a core: node (pid 4242) 45%, cron (pid 31) 2%; the hypervisor took 5.0% of the CPU time',
    );
  });
});

describe('disturbed cells', () => {
  const json = makeCell({ framework: 'flask', scenario: 'json', rps: [2500, 1250, 2480], neighbours: [quiet, busy, undefined] });
  const db = makeCell({ framework: 'flask', scenario: 'db', rps: [900], neighbours: [quiet] });
  const results = makeResults([json, db]);

  it('names the disturbed repeats of a cell and the cells with any', () => {
    expect(disturbedRepeats(json)).toEqual([{ repeat: 1, text: 'other processes took 48% of a core: node (pid 4242) 45%, cron (pid 31) 2%' }]);
    expect(disturbedRepeats(db)).toEqual([]);
    expect([...disturbedCellIds(results)]).toEqual(['flask/json/c64']);
  });

  it('gives the warning detail cell by cell, repeats counted from 1, and nothing for a quiet run', () => {
    expect(neighboursDetail(results)).toBe('flask/json/c64 repeat 2: other processes took 48% of a core: node (pid 4242) 45%, cron (pid 31) 2%');
    expect(neighboursDetail(makeResults([db]))).toBeUndefined();
  });

  it('sums up a run with many disturbed windows: counts per cell, the processes seen most, steal', () => {
    const gunicorn: Neighbours = { ...busy, coreShare: 0.17, top: [{ pid: 77, comm: 'gunicorn', coreShare: 0.16 }] };
    const stolen: Neighbours = { ...quiet, stealShare: 0.05 };
    const many = makeCell({ framework: 'django', scenario: 'json', rps: [1, 2, 3, 4, 5], neighbours: [busy, busy, gunicorn, quiet, stolen] });
    const more = makeCell({ framework: 'drf', scenario: 'json', rps: [1, 2], neighbours: [busy, quiet] });
    expect(neighboursDetail(makeResults([many, more, db]))).toBe(
      '5 of 8 measured windows, in 2 cells: django/json/c64 (4), drf/json/c64 (1); ' +
        'busiest other processes: node (pid 4242) in 3, up to 45% of a core; gunicorn (pid 77) in 1, up to 16% of a core; ' +
        'the hypervisor took more than 2% in 1; every window is in results.json',
    );
  });

  it("reports a run's DISTURBED from its repeats, in place of the text an older version stored", () => {
    const cell = makeCell({ framework: 'flask', scenario: 'json', rps: [2500, 1250], neighbours: [quiet, busy] });
    const stored = { code: 'DISTURBED', message: 'other processes ...: an older, longer list of cells', hint: 'stop the other work' };
    const lines = leadingWarnings(makeResults([cell], { warnings: [stored] }));
    expect(lines.filter((l) => l.startsWith('DISTURBED: '))).toHaveLength(1);
    expect(lines[0]).toContain('flask/json/c64 repeat 2: other processes took 48% of a core');
    expect(lines.join('\n')).not.toContain('an older, longer list');
  });

  it('names only the six most disturbed cells of a run with more, and says the tables mark the rest', () => {
    const frameworks = ['django', 'drf', 'flask', 'fastapi', 'starlette', 'django-bolt', 'litestar', 'flask-granian'];
    // Framework i has i + 1 disturbed windows of 8.
    const cells = frameworks.map((framework, i) =>
      makeCell({
        framework,
        scenario: 'db',
        rps: Array.from({ length: 8 }, (_, k) => k + 1),
        neighbours: Array.from({ length: 8 }, (_, k) => (k <= i ? busy : quiet)),
      }),
    );
    expect(neighboursDetail(makeResults(cells))).toBe(
      '36 of 64 measured windows, in 8 cells: most in flask-granian/db/c64 (8), litestar/db/c64 (7), django-bolt/db/c64 (6), starlette/db/c64 (5), ' +
        'fastapi/db/c64 (4), flask/db/c64 (3) and 2 more, each marked # in the tables; ' +
        'busiest other processes: node (pid 4242) in 36, up to 45% of a core; every window is in results.json',
    );
  });
});
