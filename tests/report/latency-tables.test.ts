import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { analysisRecord, analyze } from '../../harness/analysis/analyze.ts';
import { crossoverTable } from '../../harness/report/analysis-tables.ts';
import { chartSet, latencyChartData } from '../../harness/report/charts/data.ts';
import { chartEntries } from '../../harness/report/charts/files.ts';
import { latencySpec } from '../../harness/report/charts/latency.ts';
import { compileSpec } from '../../harness/report/charts/render.ts';
import { latencySweepTables, slowestAtOrBeyond } from '../../harness/report/latency-tables.ts';
import { terminalTables } from '../../harness/report/report.ts';
import { buildTables } from '../../harness/report/tables.ts';
import type { Results } from '../../harness/results/schema.ts';
import { makeOpenLoopCell, sweepResults } from '../support/factories.ts';

/** The closed-loop sweep fixture with an open-loop sweep at 200 req/s: django unsustained at 20 ms. */
function results(): Results {
  const base = sweepResults();
  const p99: Record<string, Record<number, number>> = { django: { 0: 4, 10: 13, 20: 22 }, fastapi: { 0: 1.5, 10: 12.5, 20: 21 } };
  const open = Object.entries(p99).flatMap(([f, byMs]) =>
    Object.entries(byMs).map(([ms, p]) =>
      makeOpenLoopCell({ framework: f, dbLatencyMs: Number(ms), p99Ms: [p], offeredRps: 200, unsustained: f === 'django' && ms === '20' }),
    ),
  );
  return {
    ...base,
    cells: [...base.cells, ...open],
    ceilings: [...base.ceilings, { kind: 'loadgen', generator: 'open-loop', connections: 64, rps: 240, note: 'open-loop' }],
  };
}

describe('latency tables', () => {
  it('p50 / p99 / p99.9 per framework per latency, the rate in the title, unsustained and near-ceiling cells marked', () => {
    const r = results();
    const [table] = latencySweepTables(r, analyze(r));
    expect(table!.title).toBe(
      'Open-loop latency at 200 req/s offered (50% of capacity, poisson arrivals, 64 connections at most): p50 / p99 (95% interval, 3+ repeats) / p99.9 in ms, slow-db',
    );
    expect(table!.head).toEqual(['framework', '0 ms (eff 0.4)', '10 ms (eff 10.3)', '20 ms (eff 20.3)']);
    expect(table!.rows).toEqual([
      ['Django', '2.0 / 4.0 / 6.0*', '6.5 / 13 / 20*', 'UNSUSTAINED (200 of 200 req/s, 5% late)*'],
      ['FastAPI', '0.8 / 1.5 / 2.3*', '6.3 / 13 / 19*', '11 / 21 / 32*'],
      ['p99 spread', '167%', '4%', '-'],
    ]);
    expect(table!.notes[0]).toBe(
      "At 200 req/s offered (50% of capacity, poisson arrivals, 64 connections at most): at 20 ms, the largest latency swept, the frameworks' p99 latencies are not within 10% of each other (too few repeats for an interval): no latency crossover within this sweep.",
    );
    expect(table!.notes.join('\n')).toContain('UNSUSTAINED: the cell did not keep its offered rate');
    expect(table!.notes.join('\n')).toContain("*: offered more than 80% of the open-loop generator's own ceiling (240 req/s in this run)");
  });

  it('marks cells the generator itself sent late (~), keeps them in the crossover, and says how late', () => {
    const base = sweepResults();
    const open = [0, 50].flatMap((ms) =>
      ['django', 'fastapi'].map((f) =>
        makeOpenLoopCell({ framework: f, dbLatencyMs: ms, p99Ms: [ms + (f === 'django' ? 4 : 1.5)], generatorLate: f === 'fastapi' && ms === 50 }),
      ),
    );
    const r: Results = { ...base, cells: [...base.cells, ...open] };
    const a = analyze(r);
    const [table] = latencySweepTables(r, a);
    expect(table!.rows[1]).toEqual(['FastAPI', '0.8 / 1.5 / 2.3', '26 / 52 / 77~']);
    expect(a.latency!.sweeps[0]!.crossoverMs).toBe(50);
    const notes = table!.notes.join('\n');
    expect(notes).toContain('~: the generator itself sent more than 1% of these requests over 2 ms late while a connection was free');
    expect(notes).toContain('fastapi/slow-db/c64/50ms/at50% 3% (up to 12 ms)');
    expect(notes).not.toContain('UNSUSTAINED');
  });

  it('marks a cell # whose measurement other processes disturbed, with the note', () => {
    const r = results();
    const busy = { coreShare: 0.9, peakCoreShare: 1, stealShare: 0, windowS: 10, top: [{ pid: 4242, comm: 'yes', coreShare: 0.9 }] };
    r.cells = r.cells.map((c) =>
      c.id.startsWith('django/slow-db/c64/10ms/at') ? { ...c, repeats: c.repeats.map((x) => ({ ...x, resources: { intervalMs: 250, neighbours: busy } })) } : c,
    );
    const [table] = latencySweepTables(r, analyze(r));
    expect(table!.rows[0]).toEqual(['Django', '2.0 / 4.0 / 6.0*', '6.5 / 13 / 20*#', 'UNSUSTAINED (200 of 200 req/s, 5% late)*']);
    expect(table!.notes.join('\n')).toContain('#: other processes or the hypervisor took CPU while this cell was measured');
  });

  it('puts the latency crossover line next to the throughput crossover, and the tables in every set', () => {
    const r = results();
    const analysis = analyze(r);
    const crossover = crossoverTable(r, analysis)!;
    expect(crossover.notes[1]).toMatch(/^At 200 req\/s offered .*are not within 10% of each other .*no latency crossover within this sweep/);
    expect(buildTables(r, { analysis }).map((t) => t.title)).toContain(latencySweepTables(r, analysis)[0]!.title);
    expect(
      terminalTables(r, analysis)
        .map((t) => t.title)
        .indexOf(latencySweepTables(r, analysis)[0]!.title),
    ).toBe(2);
    // results.json stores it.
    expect(analysisRecord(analysis).latency?.sweeps[0]?.offeredRps).toBe(200);
  });

  it('says so when the generator fell behind at every rate of its ceiling search (a ceiling of 0)', () => {
    const r = results();
    const zero = { ...r, ceilings: r.ceilings.map((c) => (c.generator === 'open-loop' ? { ...c, rps: 0 } : c)) };
    const [table] = latencySweepTables(zero, analyze(zero));
    expect(table!.notes).toContain(
      '*: the open-loop generator fell behind its own schedule at every rate its ceiling search tried on this machine (see the ceilings table): its own lateness is in every cell.',
    );
  });

  it('says which of the slowest requests p99 and p99.9 are when a repeat timed too few for a stable p99.9', () => {
    // The fixture times 2,000 requests per repeat at 200 req/s for 10 s.
    const notes = latencySweepTables(results(), analyze(results()))[0]!.notes;
    expect(notes).toContain(
      'Requests timed per repeat: 2,000. Of 2,000, p99 is the 21st slowest request and p99.9 the 3rd slowest: tail percentiles from so few requests move between repeats (a longer --duration rests them on more).',
    );
    // 20,000 per repeat leave 21 requests beyond p99.9: no note.
    const base = sweepResults();
    const many = [0, 10].flatMap((ms) =>
      ['django', 'fastapi'].map((f) => makeOpenLoopCell({ framework: f, dbLatencyMs: ms, p99Ms: [ms + 2], offeredRps: 2000 })),
    );
    const r: Results = { ...base, cells: [...base.cells, ...many] };
    expect(latencySweepTables(r, analyze(r))[0]!.notes.join('\n')).not.toContain('Requests timed per repeat');
  });

  it('counts the requests at or beyond a percentile as hdr-histogram-js ranks them', () => {
    // 400 requests (the standard profile at 80 req/s for 5 s): p99.9 is the largest, p99 the 5th largest.
    expect(slowestAtOrBeyond(400, 99.9)).toBe(1);
    expect(slowestAtOrBeyond(400, 99)).toBe(5);
    expect(slowestAtOrBeyond(1, 50)).toBe(1);
    // Against the library itself: requests of 1..n us (exact below 2,048 at 3 significant digits).
    for (const n of [1, 7, 390, 400, 452, 952, 1000, 2000]) {
      const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 3 });
      for (let v = 1; v <= n; v++) h.recordValue(v);
      for (const p of [50, 90, 99, 99.9]) expect(n - h.getValueAtPercentile(p) + 1, `n ${n}, p${p}`).toBe(slowestAtOrBeyond(n, p));
    }
  });

  it('the open-loop ceiling is labelled as such among the ceilings', () => {
    const r = results();
    const ceilings = buildTables(r).find((t) => t.title === 'Ceilings measured in this run')!;
    expect(ceilings.rows.map((row) => row[0])).toContain('open-loop generator');
  });
});

describe('latency chart data', () => {
  it('one chart per sweep at its offered rate, unsustained points marked, compiling without warnings', () => {
    const r = results();
    const analysis = analyze(r);
    const [data] = latencyChartData(r, analysis);
    expect(data!.offeredRps).toBe(200);
    expect(data!.frameworks.map((f) => f.points.map((p) => `${p.effectiveMs} ${p.p99Ms} ${p.sustained}`))).toEqual([
      ['0.4 4 true', '10.3 13 true', '20.3 22 false'],
      ['0.4 1.5 true', '10.3 12.5 true', '20.3 21 true'],
    ]);
    expect(compileSpec(latencySpec(data!)).warnings).toEqual([]);
    expect(chartEntries(chartSet(r, analysis)).map((e) => e.path)).toContain('charts/latency-p99-200rps.svg');
    expect(chartSet(sweepResults(), analyze(sweepResults())).latency).toEqual([]);
  });
});
