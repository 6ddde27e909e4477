import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { markdownExporter } from '../../harness/report/exporters/markdown.ts';
import { flagNames, flagOf, trackedCells } from '../../harness/report/exporters/tracked.ts';
import { htmlReport } from '../../harness/report/html.ts';
import { renderMarkdown } from '../../harness/report/render.ts';
import { terminalReport } from '../../harness/report/report.ts';
import { attributionTable, buildTables, ceilingsTable, crossoverTable, evidenceTable, predictionTable, throughputTable } from '../../harness/report/tables.ts';
import { makeCell, makeResults, sweepResults } from '../support/factories.ts';

const sweep = (framework: string, rps: number[], appCpu: number[]) =>
  [0, 5, 10, 20].map((ms, i) => makeCell({ framework, scenario: 'slow-db', dbLatencyMs: ms, rps: [rps[i]!], appCpu: appCpu[i], dbCpu: 0.2, loadgenCpu: 0.1 }));

/** A version-1-like run: no slow-db ceilings, so the requested latencies stand in. */
const results = makeResults([
  makeCell({ framework: 'fastapi', scenario: 'json', rps: [9000, 9400, 9100], appCpu: 0.99, loadgenCpu: 0.4 }),
  makeCell({ framework: 'flask', scenario: 'json', rps: [3000, 3500, 3100], appCpu: 0.97, loadgenCpu: 0.2 }),
  makeCell({ framework: 'fastapi', scenario: 'db', rps: [5000, 5100, 5050], appCpu: 0.98, dbCpu: 0.3, loadgenCpu: 0.3 }),
  makeCell({ framework: 'flask', scenario: 'db', rps: [0], failed: "GET /db: Content-Type is 'text/html', expected application/json" }),
  ...sweep('fastapi', [5000, 1800, 950, 480], [0.98, 0.5, 0.3, 0.2]),
  ...sweep('flask', [2000, 1500, 930, 470], [0.97, 0.9, 0.6, 0.3]),
]);

/** A run with slow-db ceilings (effective latencies), two protocols and declared data access. */
const measured = sweepResults();

describe('tables', () => {
  it('shows the median with the min-max spread and flags noisy cells and failures', () => {
    expect(
      renderMarkdown(throughputTable(results, analyze(results)))
        .split('\n')
        .slice(0, 6)
        .join('\n'),
    ).toMatchInlineSnapshot(`
      "### Requests per second (2xx responses/s, median of 3 with its 95% interval)

      | framework | json | db | slow-db 0 ms | slow-db 5 ms | slow-db 10 ms | slow-db 20 ms |
      | --- | ---: | ---: | ---: | ---: | ---: | ---: |
      | FastAPI | 9,100 (9,000-9,400) | 5,050 (5,000-5,100) | 5,000 | 1,800 | 950 | 480 |
      | Flask | 3,100 (3,000-3,500) [noisy] | FAILED | 2,000 | 1,500 | 930 | 470 |"
    `);
  });

  it('heads slow-db columns with requested and effective latency and states each app data access', () => {
    const table = throughputTable(measured, analyze(measured));
    expect(table.head).toMatchInlineSnapshot(`
      [
        "framework",
        "db",
        "queries",
        "slow-db 0 ms (eff 0.4)",
        "slow-db 1 ms (eff 2.1!)",
        "slow-db 2 ms (eff 2.2)",
        "slow-db 5 ms (eff 5.2)",
        "slow-db 10 ms (eff 10.3)",
        "slow-db 20 ms (eff 20.3)",
      ]
    `);
    expect(table.notes).toMatchInlineSnapshot(`
      [
        "noisy: repeats vary by more than 5% (coefficient of variation); loadgen-bound: the load generator was saturated, so this is not a framework number.",
        "Data access: Django: ORM, psycopg, simple protocol, json (stdlib) serializer; FastAPI: raw SQL, asyncpg, prepared protocol, pydantic-core serializer.",
        "!: the database held each request more than 20% longer or shorter than requested (eff: the database ceiling run's mean transaction time); every bound and prediction uses the effective latency.",
      ]
    `);
  });

  it('labels every measured cell compactly, with the evidence in its own long table', () => {
    const rows = attributionTable(results, analyze(results)).rows;
    expect(rows).toMatchInlineSnapshot(`
      [
        [
          "FastAPI",
          "framework",
          "framework",
          "framework",
          "pool",
          "pool",
          "pool",
        ],
        [
          "Flask",
          "framework",
          "FAILED",
          "framework",
          "framework",
          "pool",
          "pool",
        ],
      ]
    `);
    const evidence = evidenceTable(measured, analyze(measured));
    expect(evidence.head).toEqual(['cell', 'labels', 'evidence']);
    expect(evidence.rows.find((r) => r[0] === 'fastapi/queries/c64')).toMatchInlineSnapshot(`
      [
        "fastapi/queries/c64",
        "framework + database",
        "framework: app CPU 92% >= 85%; database: 90% of the 1,000 req/s database ceiling >= 85%; db CPU 60%; loadgen CPU 10%",
      ]
    `);
    expect(evidence.rows.find((r) => r[0] === 'django/slow-db/c64/10ms')).toMatchInlineSnapshot(`
      [
        "django/slow-db/c64/10ms",
        "connection pool",
        "connection pool: 97% of the Little's-law bound: 10 connections x 10 ms = 971 req/s; app CPU 63%; db CPU 20%; loadgen CPU 10%; 97% of the 971 req/s database ceiling; no simple-protocol database ceiling for database/slow-db/c64/10ms: judged against the prepared one",
      ]
    `);
  });

  it('names the crossover per framework, measured and predicted, with requested and effective latencies', () => {
    const table = crossoverTable(measured, analyze(measured))!;
    expect(renderMarkdown(table)).toMatchInlineSnapshot(`
      "### The crossover: slow-db requests/s and bottleneck by database latency (c64)

      | framework | 0 ms (eff 0.4) | 1 ms (eff 2.1!) | 2 ms (eff 2.2) | 5 ms (eff 5.2) | 10 ms (eff 10.3) | 20 ms (eff 20.3) | pool/db-bound from | predicted C / X |
      | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
      | Django | 1,455 framework | 1,455 framework | 1,455 framework | 1,455 framework | 942 pool | 478 pool | 10 ms (eff 10.3) | 6.7 ms, at 10 ms |
      | FastAPI | 4,850 framework | 4,619 fw+pool | 4,409 fw+pool | 1,865 pool | 942 pool | 478 pool | 1 ms (eff 2.1!) | 2.0 ms, at 1 ms |
      | spread | 70% | 69% | 67% | 22% | 0% | 0% |  |  |

      _From 10 ms (eff 10.3) of database latency on, every framework's requests/s lies within 10% of the fastest (the slowest, Django, at 1.00 (1.00-1.00) of it; 95% intervals over 3 rounds): past that point, framework choice stops mattering for this workload._

      _Predicted: C / X, the latency from which C connections, each held that long, serve fewer requests than the X req/s the framework managed on its own db cell; DISAGREES: more than one sweep step from the measured one._

      _!: the database held each request more than 20% longer or shorter than requested (eff: the database ceiling run's mean transaction time); every bound and prediction uses the effective latency._

      _spread: (fastest - slowest) / fastest. pool: the connection pool (cap x latency) binds; conc: the same bound set by fewer app threads or load generator connections; db: near the database ceiling; dbcpu: database CPU saturated; locks, commit: the app backends waited on locks or on the WAL flush of commits; fw: app CPU saturated._
      "
    `);
  });

  it('falls back to requested latencies and says so when the run measured no slow-db ceiling', () => {
    const table = crossoverTable(results, analyze(results))!;
    expect(table.rows).toMatchInlineSnapshot(`
      [
        [
          "FastAPI",
          "5,000 framework",
          "1,800 pool",
          "950 pool",
          "480 pool",
          "5 ms",
          "2.0 ms, at 5 ms",
        ],
        [
          "Flask",
          "2,000 framework",
          "1,500 framework",
          "930 pool",
          "470 pool",
          "10 ms",
          "-",
        ],
        [
          "spread",
          "60%",
          "17%",
          "2%",
          "2%",
          "",
          "",
        ],
      ]
    `);
    expect(table.notes).toContain('5 ms: no database ceiling to read the effective latency from; the requested value stands in.');
  });

  it('sets the predicted curve beside the measurements with the error per point', () => {
    expect(predictionTable(measured, analyze(measured))!.rows).toMatchInlineSnapshot(`
      [
        [
          "Django",
          "1,500 (-3%)",
          "1,498 (-3%)",
          "1,498 (-3%)",
          "1,331 (+9%)",
          "864 (+9%)",
          "471 (+1%)",
        ],
        [
          "FastAPI",
          "5,000 (-3%)",
          "4,747 (-3%)",
          "4,544 (-3%)",
          "1,923 (-3%)",
          "971 (-3%)",
          "493 (-3%)",
        ],
      ]
    `);
  });

  it('lists ceilings with their protocol and mean latency', () => {
    expect(ceilingsTable(measured)!.rows.slice(0, 5)).toMatchInlineSnapshot(`
      [
        [
          "load generator",
          "",
          "64",
          "40,000",
          "",
          "trivial server; loadgen CPU 98%",
        ],
        [
          "database: db",
          "prepared",
          "64",
          "12,000",
          "",
          "pgbench",
        ],
        [
          "database: db",
          "simple",
          "64",
          "9,000",
          "",
          "pgbench",
        ],
        [
          "database: queries",
          "prepared",
          "64",
          "1,000",
          "",
          "pgbench",
        ],
        [
          "database: slow-db 0ms",
          "prepared",
          "64",
          "25,000",
          "0.40 ms",
          "pgbench",
        ],
      ]
    `);
  });

  it('leaves the evidence table out on request (compact terminal)', () => {
    const titles = (o?: { evidence: boolean }) => buildTables(measured, o).map((t) => t.title);
    expect(titles()).toContain('Bottleneck evidence per cell');
    expect(titles({ evidence: false })).not.toContain('Bottleneck evidence per cell');
    expect(titles()[0]).toMatch(/^The crossover/);
  });

  it('writes the footnote with machine, layout, profile and versions', async () => {
    const md = await markdownExporter.serialize(results, analyze(results), []);
    expect(md).toContain('Machine: Test CPU, 2 cores, Linux 6.1');
    expect(md).toContain('CPU layout: app on CPU 1, database on 0, load generator on 0 (shared: shared)');
    expect(md).toContain('Profile standard: 3 s warm-up, 10 s measured, 3 repeat(s) interleaved across frameworks');
  });

  it('says in the footnote when the frameworks were measured side by side, and with which seed', async () => {
    const side = { ...results, config: { ...results.config, schedule: 'side-by-side' as const, seed: 9 } };
    const md = await markdownExporter.serialize(side, analyze(side), []);
    expect(md).toContain('3 repeat(s) side by side (all apps up; the frameworks of a cell back to back, in a random order per round, seed 9)');
  });
});

describe('disturbed cells (other processes took CPU while they were measured)', () => {
  const busy = { coreShare: 0.48, peakCoreShare: 1, stealShare: 0, windowS: 10, top: [{ pid: 4242, comm: 'node', coreShare: 0.45 }] };
  const quiet = { coreShare: 0.02, peakCoreShare: 0.05, stealShare: 0, windowS: 10, top: [] };
  const run = () => {
    const base = sweepResults();
    // The second repeat of fastapi's 10 ms slow-db cell shared the machine; every other window was quiet.
    const cells = base.cells.map((c) =>
      c.id === 'fastapi/slow-db/c64/10ms'
        ? { ...c, repeats: c.repeats.map((r, i) => ({ ...r, resources: { ...r.resources!, neighbours: i === 1 ? busy : quiet } })) }
        : c,
    );
    return { ...base, cells };
  };

  it('marks the cell # in every table it has a line in, with the note, and only that cell', () => {
    const r = run();
    const a = analyze(r);
    const tables = buildTables(r, { analysis: a });
    const column = (title: string) => {
      const t = tables.find((x) => x.title.startsWith(title))!;
      const head = t.head.findIndex((h) => h.startsWith('slow-db 10 ms') || h.startsWith('10 ms'));
      return { t, row: t.rows.find((row) => row[0] === 'FastAPI')!, head };
    };
    for (const title of ['The crossover', 'Requests per second', 'Share of the fastest', 'Bottleneck per cell', 'Latency in ms']) {
      const { t, row, head } = column(title);
      expect(row[head], title).toMatch(/#$/);
      // Django's cell of the same column, and FastAPI's other columns, carry no mark.
      expect(t.rows.find((x) => x[0] === 'Django')![head], title).not.toMatch(/#$/);
      expect(
        row.filter((v) => v.endsWith('#')),
        title,
      ).toHaveLength(1);
      expect(t.notes.join('\n'), title).toContain(
        '#: other processes or the hypervisor took CPU while this cell was measured (more than 10% of a core, or more than 2% steal)',
      );
    }
    const evidence = tables.find((t) => t.title === 'Bottleneck evidence per cell')!;
    const row = evidence.rows.find((x) => x[0] === 'fastapi/slow-db/c64/10ms#')!;
    expect(row[2]).toContain('disturbed in repeat 2: other processes took 48% of a core: node (pid 4242) 45%');
    // A quiet run: no mark, no note.
    const plain = buildTables(sweepResults());
    expect(plain.flatMap((t) => t.rows.flat()).some((v) => v.endsWith('#'))).toBe(false);
    expect(plain.flatMap((t) => t.notes).some((n) => n.startsWith('#:'))).toBe(false);
  });

  it('leads the terminal report, results.md and the warnings box with DISTURBED naming the cell, before every other doubt', async () => {
    const r = { ...run(), warnings: [{ code: 'DRIFT', message: 'moved 12%' }] };
    const a = analyze(r);
    const lead = 'DISTURBED: other processes or the hypervisor took CPU while these cells were measured';
    const terminal = terminalReport(r, a, { width: 400, verbose: false, order: 'run' });
    expect(terminal.split('\n')[0]).toBe(
      `! ${lead}: their figures may be low and are marked # in every table: fastapi/slow-db/c64/10ms repeat 2: other processes took 48% of a core: node (pid 4242) 45% (stop the other work (another benchmark, a build, a test run) and measure again; see docs/measured-facts.md, "Other processes during a measured window")`,
    );
    expect(terminal.split('\n')[1]).toBe('! DRIFT: moved 12%');
    const md = await markdownExporter.serialize(r, a, []);
    expect(md.split('\n').find((l) => l.startsWith('> - '))).toContain(`> - ${lead}`);
    const html = await htmlReport(r);
    expect(html.indexOf('DISTURBED')).toBeLessThan(html.indexOf('DRIFT'));
  });

  it('is left out of the tracking exports and labelled in the CSV flags and --json', () => {
    const a = analyze(run());
    const cell = a.cells.find((c) => c.id === 'fastapi/slow-db/c64/10ms')!;
    expect(flagNames(cell)).toEqual(['disturbed']);
    expect(flagOf(cell)).toBe('disturbed: other processes or the hypervisor took CPU while it was measured');
    expect(trackedCells(a).leftOut.map((l) => l.id)).toEqual(['fastapi/slow-db/c64/10ms']);
  });
});
