import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { baselineText } from '../../harness/report/baseline-table.ts';
import { csvExporter } from '../../harness/report/exporters/csv.ts';
import { markdownExporter } from '../../harness/report/exporters/markdown.ts';
import { htmlReport } from '../../harness/report/html.ts';
import { terminalReport } from '../../harness/report/report.ts';
import { variantRatioText, variantTable } from '../../harness/report/variant-table.ts';
import type { Results } from '../../harness/results/schema.ts';
import { variantRun } from '../support/variants.ts';

const TITLE = 'What moved';
const terminal = (results: Results, width = 80) => terminalReport(results, analyze(results), { width, verbose: false, order: 'run' });
/** Wrapped notes joined back into one line each, to find a sentence in terminal text. */
const unwrapped = (text: string) => text.replace(/\n\s+/g, ' ');

describe('the variant table', () => {
  const results = variantRun({ rounds: 10 });
  const analysis = analyze(results);

  it('has one row per pair: a multiple with its interval per column, both crossovers and from where the two are alike', () => {
    const table = variantTable(results, analysis)!;
    expect(table.head[0]).toBe('variant / base');
    expect(table.head.slice(-2)).toEqual(['crossover', 'within 10%']);
    expect(table.head).toContain('slow-db 5 ms (eff 5.2)');
    const [orm, granian] = table.rows;
    expect(orm![0]).toBe('FastAPI + SQLAlchemy / FastAPI');
    expect(orm![table.head.indexOf('db')]).toMatch(/^0\.6[4-6]x \(0\.6\d-0\.6\d\)$/);
    expect(orm!.slice(-2)).toEqual(['FastAPI 5 ms -> FastAPI + SQLAlchemy 10 ms', 'from 10 ms']);
    expect(granian!.slice(-2)).toEqual(['Flask 10 ms -> Flask on Granian 10 ms', 'from 0 ms']);
    expect(table.notes.slice(0, 2)).toEqual(analysis.variants!.map((p) => p.sentence));
  });

  it('prints a multiple as the --baseline table prints the same ratio, brackets only with an interval', () => {
    for (const rounds of [10, 1]) {
      const r = variantRun({ rounds });
      const a = analyze({ ...r, config: { ...r.config, baseline: 'fastapi' } });
      const pair = a.variants!.find((p) => p.variant === 'fastapi-sqlalchemy')!;
      for (const c of pair.columns) expect(variantRatioText(c)).toBe(baselineText(a.cells.find((x) => x.id === `fastapi-sqlalchemy/${c.key}`)!));
    }
    const one = variantRun({ rounds: 1 });
    const table = variantTable(one, analyze(one))!;
    expect(table.rows[0]![table.head.indexOf('db')]).toMatch(/^0\.6\dx$/);
    expect(table.notes).toContain('A multiple without brackets has no interval (1 repeat; 3 are needed): it is a point estimate.');
  });

  it('fits the terminal report in 80 columns, sentences included', () => {
    for (const rounds of [10, 1]) {
      const text = terminal(variantRun({ rounds }));
      const long = text.split('\n').filter((l) => l.length > 80);
      expect(long).toEqual([]);
      expect(text).toContain(`${TITLE}: each variant`);
      expect(unwrapped(text)).toContain('The ORM (FastAPI + SQLAlchemy) against FastAPI: ');
    }
  });

  it('is a section of report.html and of results.md, and fills the variant columns of results.csv', async () => {
    const html = await htmlReport(results, analysis, []);
    expect(html).toContain(`<h2>${TITLE}: each variant`);
    expect(html).toContain('FastAPI 5 ms -&gt; FastAPI + SQLAlchemy 10 ms');
    const md = await markdownExporter.serialize(results, analysis, []);
    expect(md).toContain(`### ${TITLE}: each variant`);
    expect(md).toMatch(/\| FastAPI \+ SQLAlchemy \/ FastAPI \| 1\.00x \(/);
    const [head, ...rows] = (await csvExporter.serialize(results, analysis, []))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => head!.indexOf(name);
    const row = (id: string) => rows.find((r) => r[col('cell')] === id)!;
    expect(row('fastapi-sqlalchemy/db/c64')[col('variant_of')]).toBe('fastapi');
    expect(Number(row('fastapi-sqlalchemy/db/c64')[col('variant_ratio')])).toBeCloseTo(0.65, 1);
    expect(Number(row('fastapi-sqlalchemy/db/c64')[col('variant_ci_low')])).toBeLessThan(0.65);
    expect(row('fastapi/db/c64')[col('variant_of')]).toBe('');
  });

  it('is absent when no variant ran with its base', async () => {
    const plain = variantRun({ rounds: 3, frameworks: ['fastapi', 'flask'] });
    const a = analyze(plain);
    expect(variantTable(plain, a)).toBeUndefined();
    expect(terminal(plain)).not.toContain(TITLE);
    expect(await htmlReport(plain, a, [])).not.toContain(TITLE);
    expect(await markdownExporter.serialize(plain, a, [])).not.toContain(TITLE);
    const csv = (await csvExporter.serialize(plain, a, [])).trim().split('\n');
    expect(csv.slice(1).every((l) => l.endsWith(',,,,'))).toBe(true);
  });
});
