import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { orderValues, predictedFrom } from '../../harness/analysis/param-sweep.ts';
import { chartSet } from '../../harness/report/charts/data.ts';
import { chartEntries } from '../../harness/report/charts/files.ts';
import { compileSpec, renderSvg } from '../../harness/report/charts/render.ts';
import { capacityBroken, commitBoundBroken, dbBoundFrom, paramSweepTable } from '../../harness/report/param-sweep-table.ts';
import { renderTerminal } from '../../harness/report/render.ts';
import type { Cell } from '../../harness/results/schema.ts';
import { makeCell, makeDbCeiling, makeResults } from '../support/factories.ts';

/** One instance cell of the db-cpu sweep: scenario db-cpu-work<w>, param and sweepOf set as the planner sets them. */
function sweepCell(framework: string, work: number, rps: number[]): Cell {
  const c = makeCell({ framework, scenario: `db-cpu-work${work}`, kind: 'db-cpu', rps });
  return { ...c, param: { name: 'work', value: work }, sweepOf: 'db-cpu' };
}

/**
 * FastAPI serves 3,000 req/s on its own, Flask 1,000. The database's capacity on the SQL falls
 * with work: 9,000 / 2,500 / 800 / 300. FastAPI is predicted to be held from work 10000
 * (2,500 <= 3,000), Flask from 30000 (800 <= 1,000), so every framework from 30000.
 */
function dbCpuRun() {
  const works = [1000, 10000, 30000, 100000];
  const fast = [
    [3000, 2950, 3050],
    [2400, 2450, 2380],
    [790, 800, 795],
    [298, 300, 299],
  ];
  const slow = [
    [1000, 990, 1010],
    [980, 1000, 990],
    [700, 690, 710],
    [297, 299, 298],
  ];
  const cells = [
    makeCell({ framework: 'fastapi', scenario: 'db', rps: [3000, 3000, 3000] }),
    makeCell({ framework: 'flask', scenario: 'db', rps: [1000, 1000, 1000] }),
    ...works.flatMap((w, i) => [sweepCell('fastapi', w, fast[i]!), sweepCell('flask', w, slow[i]!)]),
  ];
  const capacity = [9000, 2500, 800, 300];
  return makeResults(cells, {
    ceilings: [
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.98, note: 'trivial server' },
      makeDbCeiling({ scenario: 'db', rps: 12_000 }),
      ...works.map((w, i) => makeDbCeiling({ scenario: `db-cpu-work${w}`, rps: capacity[i]!, latencyMeanMs: 1 })),
    ],
  });
}

describe('a swept scenario read as one sweep', () => {
  it('orders values by the database share: work and rows ascending, k descending', () => {
    expect(orderValues('work', [30000, 1000, 10000, 1000])).toEqual([1000, 10000, 30000]);
    expect(orderValues('k', [1, 100, 10])).toEqual([100, 10, 1]);
  });

  it('predicts the first value whose capacity falls to the framework own rate, or none', () => {
    const capacity = new Map([
      [1000, 9000],
      [10000, 2500],
      [30000, 800],
    ]);
    expect(predictedFrom([1000, 10000, 30000], capacity, 3000)).toBe(10000);
    expect(predictedFrom([1000, 10000, 30000], capacity, 1000)).toBe(30000);
    expect(predictedFrom([1000, 10000, 30000], capacity, 500)).toBeUndefined();
    expect(predictedFrom([1000, 10000, 30000], capacity, undefined)).toBeUndefined();
  });

  it('gives each framework its points, the capacity, the predicted crossover and the verdict', () => {
    const results = dbCpuRun();
    const analysis = analyze(results);
    const [s] = analysis.paramSweeps!;
    expect(s).toMatchObject({ scenario: 'db-cpu', kind: 'db-cpu', param: 'work', values: [1000, 10000, 30000, 100000] });
    expect(s!.capacity.map((c) => c.rps)).toEqual([9000, 2500, 800, 300]);
    const fastapi = s!.perFramework.find((f) => f.framework === 'fastapi')!;
    const flask = s!.perFramework.find((f) => f.framework === 'flask')!;
    expect(fastapi).toMatchObject({ ownRps: 3000, predictedFrom: 10000 });
    expect(flask).toMatchObject({ ownRps: 1000, predictedFrom: 30000 });
    // Every framework is held from the slowest one's point on.
    expect(s!.predictedFrom).toBe(30000);
    // Flask is a third of FastAPI at 1000, 0.88 at 30000 (700 / 795), equal at 100000.
    expect(flask.points[0]!.shareOfFastest).toBeCloseTo(1 / 3, 2);
    expect(s!.verdict).toMatchObject({ answer: 'converged', from: 100000 });
    expect(s!.verdict!.sentence).toMatch(/^From work 100000 on, every framework/);
  });

  it('renders one table with a column per value, the capacity row and the verdict, within 80 columns', () => {
    const results = dbCpuRun();
    const s = analyze(results).paramSweeps![0]!;
    const table = paramSweepTable(results, s);
    expect(table.head).toEqual(['framework', 'work 1000', 'work 10000', 'work 30000', 'work 100000', 'db-bound from', 'predicted']);
    expect(table.rows.find((r) => r[0] === 'database capacity')).toEqual(['database capacity', '9,000', '2,500', '800', '300', '', '']);
    expect(table.notes[0]).toContain('From work 100000 on');
    for (const line of renderTerminal(table, 80).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('without db cells claims no prediction: one note for all frameworks, or one naming those without', () => {
    const full = dbCpuRun();
    const noDb = { ...full, cells: full.cells.filter((c) => c.scenario !== 'db') };
    const s = analyze(noDb).paramSweeps![0]!;
    expect(s.predictedFrom).toBeUndefined();
    expect(s.notes).toEqual(['No framework has a measured db cell at c64 (the run measured no db scenario there), so the capacity model predicts nothing.']);
    const table = paramSweepTable(noDb, s);
    // Said once, by the sweep's note, not again by the table.
    expect(table.notes.filter((n) => /db cell/.test(n))).toEqual([s.notes[0]]);
    expect(table.notes.join(' ')).not.toContain('predicts no crossover');

    const oneDb = { ...full, cells: full.cells.filter((c) => !(c.scenario === 'db' && c.framework === 'flask')) };
    const t = analyze(oneDb).paramSweeps![0]!;
    expect(t.notes).toEqual(['No measured db cell at c64, so no prediction, for: Flask.']);
    expect(t.perFramework.find((f) => f.framework === 'fastapi')).toMatchObject({ ownRps: 3000, predictedFrom: 10000 });
  });

  it('leaves a run without swept scenarios as it was', () => {
    const results = makeResults([makeCell({ framework: 'fastapi', scenario: 'db', rps: [1] })]);
    expect(analyze(results).paramSweeps).toBeUndefined();
  });
});

describe('the swept scenario chart', () => {
  it('is one chart file per swept scenario, compiles without warnings and renders the frameworks and the capacity', async () => {
    const results = dbCpuRun();
    const set = chartSet(results, analyze(results));
    const entries = chartEntries(set).filter((e) => e.path === 'charts/db-cpu-c64.svg');
    expect(entries).toHaveLength(1);
    expect(compileSpec(entries[0]!.spec).warnings).toEqual([]);
    const svg = await renderSvg(entries[0]!.spec);
    expect(svg).toContain('db-cpu: requests/s against work');
    expect(svg).toContain('crossover work 100000');
    expect(svg).toContain('FastAPI');
  });
});

describe('hot-rows', () => {
  it('orders k from many rows to one and bounds each k by its commits: min(k, cap) x 1000 / commit latency', () => {
    const cell = (framework: string, k: number, rps: number) => ({
      ...makeCell({ framework, scenario: `hot-rows-k${k}`, kind: 'hot-rows', rps: [rps, rps, rps] }),
      param: { name: 'k' as const, value: k },
      sweepOf: 'hot-rows',
    });
    const results = makeResults([cell('fastapi', 1, 400), cell('flask', 1, 390), cell('fastapi', 100, 2000), cell('flask', 100, 900)], {
      commitLatency: { msPerCommit: 2, commitsPerS: 500, clients: 1, durationS: 3, synchronousCommit: 'on', tool: 'pgbench' },
    });
    const s = analyze(results).paramSweeps![0]!;
    expect(s.values).toEqual([100, 1]);
    // cap 10: 10 x 1000 / 2 at k 100, 1 x 1000 / 2 at k 1.
    expect(s.commitBound).toEqual([
      { value: 100, rps: 5000 },
      { value: 1, rps: 500 },
    ]);
    expect(paramSweepTable(results, s).rows.find((r) => r[0] === 'commit bound')).toEqual(['commit bound', '5,000', '500', '', '']);
    // 400 at k 1 stays under its bound of 500: nothing refutes it.
    expect(commitBoundBroken(s)).toEqual([]);
    expect(
      commitBoundBroken({
        ...s,
        commitBound: [
          { value: 100, rps: 5000 },
          { value: 1, rps: 300 },
        ],
      })[0],
    ).toContain('Measured above the commit bound at k 1');
  });
});

describe('capacity measured below a framework', () => {
  it('names the values where a framework served more than 5% over the database capacity, with both rates', () => {
    const s = {
      scenario: 'db-cpu',
      kind: 'db-cpu' as const,
      param: 'work' as const,
      connections: 64,
      values: [1000, 10000, 30000],
      // work 10000 as a standard run read it: 270 req/s of capacity, 630 served by Django.
      capacity: [
        { value: 1000, rps: 3299 },
        { value: 10000, rps: 270 },
        { value: 30000, rps: 167 },
      ],
      perFramework: [
        {
          framework: 'django',
          points: [
            { value: 1000, rps: 1636 },
            { value: 10000, rps: 630 },
            { value: 30000, rps: 174 },
          ],
        },
        {
          framework: 'fastapi',
          points: [
            { value: 1000, rps: 1819 },
            { value: 10000, rps: 491 },
            { value: 30000, failed: 'timeouts' },
          ],
        },
      ],
      notes: [],
    };
    const [line] = capacityBroken(s);
    // 174 is within 5% of 167: not a refutation.
    expect(line).toMatch(/^Measured above the database capacity at work 10000 \(630 against 270\): /);
    expect(capacityBroken({ ...s, capacity: s.capacity.map((c) => ({ ...c, rps: c.rps * 3 })) })).toEqual([]);
  });
});

describe('db-bound from', () => {
  it('counts waits beside a saturated framework as framework-bound, and waits alone or a database bound as db-bound', () => {
    // k 1000 to 1 as a standard run labelled Django: fw+commit, fw+commit, fw+locks, locks.
    const point = (value: number, labels: string[]) => ({ value, rps: 500, labels });
    const django = [
      point(1000, ['framework', 'commit latency']),
      point(100, ['framework', 'commit latency']),
      point(10, ['framework', 'lock waits']),
      point(1, ['lock waits']),
    ];
    expect(dbBoundFrom(django as never)).toBe(1);
    expect(dbBoundFrom(django.slice(0, 3) as never)).toBeUndefined();
    const dbCpu = [point(1000, ['framework']), point(10000, ['framework', 'database']), point(30000, ['database', 'database CPU'])];
    expect(dbBoundFrom(dbCpu as never)).toBe(10000);
  });
});

describe('big-result', () => {
  it('makes no prediction: the framework own cost grows with the rows, so its db cell does not stand for its rate', () => {
    const cell = (framework: string, rows: number, rps: number) => ({
      ...makeCell({ framework, scenario: `big-result-rows${rows}`, kind: 'big-result', rps: [rps, rps, rps] }),
      param: { name: 'rows' as const, value: rows },
      sweepOf: 'big-result',
    });
    const results = makeResults(
      [
        makeCell({ framework: 'fastapi', scenario: 'db', rps: [3000, 3000, 3000] }),
        makeCell({ framework: 'flask', scenario: 'db', rps: [1000, 1000, 1000] }),
        cell('fastapi', 10, 1800),
        cell('flask', 10, 1600),
        cell('fastapi', 10000, 30),
        cell('flask', 10000, 60),
      ],
      { ceilings: [makeDbCeiling({ scenario: 'big-result-rows10', rps: 10_000 }), makeDbCeiling({ scenario: 'big-result-rows10000', rps: 90 })] },
    );
    const s = analyze(results).paramSweeps![0]!;
    expect(s.predictedFrom).toBeUndefined();
    expect(s.perFramework.every((f) => f.predictedFrom === undefined)).toBe(true);
    const table = paramSweepTable(results, s);
    expect(table.rows.filter((r) => r[0] === 'FastAPI' || r[0] === 'Flask').map((r) => r.at(-1))).toEqual(['-', '-']);
    expect(table.notes.join(' ')).toContain('No prediction');
  });

  it('names a cell that failed in its column and in a note, and leaves it out of the ratio there', () => {
    const cell = (framework: string, rows: number, rps: number, failed?: string) => ({
      ...makeCell({ framework, scenario: `big-result-rows${rows}`, kind: 'big-result', rps: [rps, rps, rps], ...(failed ? { failed } : {}) }),
      param: { name: 'rows' as const, value: rows },
      sweepOf: 'big-result',
    });
    const reason = '13 of 251 requests failed (5.18%, above 0.1%): 13 errors (13 timeouts), 0 non-2xx';
    const results = makeResults([
      cell('fastapi', 10, 1800),
      cell('flask', 10, 1600),
      cell('starlette', 10, 2000),
      cell('fastapi', 10000, 30, reason),
      cell('flask', 10000, 60),
      cell('starlette', 10000, 75),
    ]);
    const s = analyze(results).paramSweeps![0]!;
    const fastapi = s.perFramework.find((f) => f.framework === 'fastapi')!;
    expect(fastapi.points.map((p) => [p.value, p.rps, p.failed])).toEqual([
      [10, 1800, undefined],
      [10000, undefined, reason],
    ]);
    const table = paramSweepTable(results, s);
    expect(table.rows.find((r) => r[0] === 'FastAPI')![2]).toBe('failed');
    // The ratio at rows 10000 is Flask's to Starlette's: FastAPI's failed 30 req/s is in no ratio.
    expect(table.rows.find((r) => r[0] === 'slowest / fastest')![2]).toMatch(/^0\.80/);
    expect(table.notes).toContain(
      `FastAPI failed at rows 10000: the slowest / fastest ratio there leaves it out, and the verdict reads only the values every framework was measured at. ${reason}.`,
    );
  });
});
