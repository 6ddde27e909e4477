import { describe, expect, it } from 'vitest';
import { analysisRecord, analyze } from '../../harness/analysis/analyze.ts';
import { alikeFrom, foldedInterval, pairSentence } from '../../harness/analysis/variants.ts';
import type { CrossoverAnalysis } from '../../harness/results/analysis-schema.ts';
import type { VariantColumn } from '../../harness/results/variants-schema.ts';
import { OWN, SWEEP_MS, truth, variantRun } from '../support/variants.ts';

/** The true variant / base ratio of a column of the synthetic run. */
function trueRatio(variant: string, base: string, c: VariantColumn): number {
  const kind = c.dbLatencyMs === undefined ? (c.scenario as 'json' | 'db' | 'queries') : 'slow-db';
  return truth(variant, kind, c.dbLatencyMs) / truth(base, kind, c.dbLatencyMs);
}

const pairOf = (variant: string, rounds = 10, seed = 7, interleave = true) => {
  const results = variantRun({ rounds, seed, interleave });
  const analysis = analyze(results);
  return { results, analysis, pair: analysis.variants?.find((p) => p.variant === variant) };
};

describe('variant pairs: what moved, and by how much', () => {
  it('pairs each variant with its base, in the run order, over every column both measured', () => {
    const { analysis } = pairOf('fastapi-sqlalchemy');
    expect(analysis.variants!.map((p) => `${p.variant}/${p.base}`)).toEqual(['fastapi-sqlalchemy/fastapi', 'flask-granian/flask']);
    for (const p of analysis.variants!) {
      expect(p.columns.map((c) => c.key)).toEqual(['json/c64', 'db/c64', 'queries/c64', ...SWEEP_MS.map((ms) => `slow-db/c64/${ms}ms`)]);
      expect(p.columns.every((c) => c.repeats === 10 && c.paired)).toBe(true);
    }
  });

  it('the ORM at 0.65 of its base under round-to-round machine noise: the intervals cover the truth, the sentence says it costs 35%', () => {
    const { pair } = pairOf('fastapi-sqlalchemy');
    for (const c of pair!.columns) {
      const t = trueRatio('fastapi-sqlalchemy', 'fastapi', c);
      expect(c.interval!.low, c.key).toBeLessThanOrEqual(t);
      expect(c.interval!.high, c.key).toBeGreaterThanOrEqual(t);
    }
    const db = pair!.columns.find((c) => c.key === 'db/c64')!;
    expect(db.interval!.low).toBeLessThan(0.65);
    expect(db.interval!.high).toBeGreaterThan(0.65);
    expect(pair!.sentence).toMatch(
      /^The ORM \(FastAPI \+ SQLAlchemy\) against FastAPI: costs 35% \(3[3-5]-3[5-7]%\) on db, 35% \(3[3-5]-3[5-7]%\) on queries, /,
    );
    expect(pair!.sentence).toMatch(/; no difference can be told on json, slow-db 10 ms, slow-db 20 ms;/);
    expect(pair!.sentence).toMatch(/; crossover FastAPI 5 ms -> FastAPI \+ SQLAlchemy 10 ms, within 10% of each other from 10 ms on\.$/);
    expect(pair!.crossovers).toEqual([
      { base: { crossoverMs: 5 }, variant: { crossoverMs: 10 }, alike: { answer: 'converged', fromMs: 10, basis: 'intervals', rounds: 10 } },
    ]);
  });

  it('covers the true 0.65 on /db in most of 20 independent runs (nominal 95%)', () => {
    let covered = 0;
    for (let seed = 100; seed < 120; seed++) {
      const db = pairOf('fastapi-sqlalchemy', 5, seed).pair!.columns.find((c) => c.key === 'db/c64')!;
      if (db.interval!.low <= 0.65 && db.interval!.high >= 0.65) covered++;
      expect(db.interval!.high - db.interval!.low).toBeLessThan(0.05);
    }
    expect(covered).toBeGreaterThanOrEqual(17);
  });

  it('a variant that changes nothing: no difference can be told anywhere, within 10% at every latency', () => {
    const { pair } = pairOf('flask-granian');
    expect(OWN['flask-granian']).toEqual(OWN.flask);
    expect(pair!.columns.every((c) => c.interval!.low <= 1 && c.interval!.high >= 1)).toBe(true);
    expect(pair!.sentence).toBe(
      'granian instead of gunicorn-gthread (Flask on Granian) against Flask: no difference can be told on json, db, queries, slow-db 0 ms, slow-db 5 ms, slow-db 10 ms, slow-db 20 ms; crossover Flask 10 ms -> Flask on Granian 10 ms, within 10% of each other at every latency swept.',
    );
  });

  it('reuses the --baseline ratios: a variant column is exactly its toBaseline against its base', () => {
    const results = variantRun({ rounds: 10 });
    const withBaseline = analyze({ ...results, config: { ...results.config, baseline: 'fastapi' } });
    const pair = withBaseline.variants!.find((p) => p.variant === 'fastapi-sqlalchemy')!;
    for (const c of pair.columns) {
      const cell = withBaseline.cells.find((x) => x.id === `fastapi-sqlalchemy/${c.key}`)!;
      expect(cell.toBaseline!.ratio, c.key).toBe(c.ratio);
      expect(cell.toBaseline!.interval, c.key).toEqual(c.interval);
    }
  });

  it('without interleaving, a ratio of medians that still holds the truth', () => {
    const { pair } = pairOf('fastapi-sqlalchemy', 10, 7, false);
    const db = pair!.columns.find((c) => c.key === 'db/c64')!;
    expect(db.paired).toBe(false);
    expect(db.interval!.low).toBeLessThan(0.65);
    expect(db.interval!.high).toBeGreaterThan(0.65);
  });

  it('one repeat: the ratio without an invented interval, and the sentence says so', () => {
    const { pair } = pairOf('fastapi-sqlalchemy', 1);
    expect(pair!.columns.every((c) => c.interval === undefined && c.repeats === 1)).toBe(true);
    const db = pair!.columns.find((c) => c.key === 'db/c64')!;
    expect(Math.abs(db.ratio - 0.65)).toBeLessThan(0.02);
    expect(pair!.sentence).toMatch(/0\.6\dx on db, .* of FastAPI's requests\/s, no interval \(1 repeat\);/);
    expect(pair!.sentence).not.toMatch(/costs|no difference/);
    expect(pair!.crossovers[0]!.alike!.basis).toBe('point');
    expect(pair!.sentence).toMatch(/\(point estimates\)\.$/);
  });

  it('is absent when no variant ran with its base: the default run, or a variant alone', () => {
    expect(analyze(variantRun({ rounds: 3, frameworks: ['fastapi', 'flask'] })).variants).toBeUndefined();
    expect(analyze(variantRun({ rounds: 3, frameworks: ['fastapi-sqlalchemy', 'flask'] })).variants).toBeUndefined();
    expect(analyze(variantRun({ rounds: 3, frameworks: ['flask', 'fastapi-sqlalchemy', 'fastapi'] })).variants!.map((p) => p.variant)).toEqual([
      'fastapi-sqlalchemy',
    ]);
  });

  it('is carried in results.json: the analysis schema keeps every pair as computed', () => {
    const { analysis } = pairOf('fastapi-sqlalchemy', 3);
    expect(analysisRecord(analysis).variants).toEqual(analysis.variants);
    expect(analysisRecord(analyze(variantRun({ rounds: 3, frameworks: ['fastapi'] }))).variants).toBeUndefined();
  });
});

describe('within 10% of each other', () => {
  it('folds a ratio interval onto "how close either way"', () => {
    expect(foldedInterval({ estimate: 1, low: 0.95, high: 1.05 })).toEqual({ estimate: 1, low: 0.95, high: 1 });
    const above = foldedInterval({ estimate: 1.25, low: 1.2, high: 1.3 });
    expect(above.low).toBeCloseTo(1 / 1.3);
    expect(above.high).toBeCloseTo(1 / 1.2);
    expect(foldedInterval({ estimate: 0.9, low: 0.85, high: 0.95 })).toEqual({ estimate: 0.9, low: 0.85, high: 0.95 });
  });

  const sweep = { connections: 64, latencies: [0, 5, 10] } as unknown as CrossoverAnalysis;
  const col = (ms: number, ratio: number, low?: number, high?: number): VariantColumn => ({
    key: `slow-db/c64/${ms}ms`,
    scenario: 'slow-db',
    connections: 64,
    dbLatencyMs: ms,
    ratio,
    ...(low === undefined ? {} : { interval: { estimate: ratio, low, high: high! } }),
    repeats: low === undefined ? 1 : 5,
    paired: true,
  });

  it('says never when the two are still apart at the largest latency, undecided when the interval straddles the line there', () => {
    expect(alikeFrom(sweep, [col(0, 0.5, 0.48, 0.52), col(5, 0.6, 0.58, 0.62), col(10, 0.7, 0.68, 0.72)])!.answer).toBe('never');
    const undecided = alikeFrom(sweep, [col(0, 0.5, 0.48, 0.52), col(5, 0.6, 0.58, 0.62), col(10, 0.9, 0.85, 0.95)])!;
    expect(undecided).toMatchObject({ answer: 'undecided', undecidedAtMs: 10, basis: 'intervals' });
    expect(alikeFrom(sweep, [col(0, 1.3, 1.25, 1.35), col(5, 1.02, 1.0, 1.04), col(10, 1, 0.98, 1.02)])).toMatchObject({ answer: 'converged', fromMs: 5 });
    expect(alikeFrom(sweep, [col(0, 0.5), col(5, 0.95), col(10, 1)])).toMatchObject({ answer: 'converged', fromMs: 5, basis: 'point', rounds: 1 });
    expect(alikeFrom(sweep, [])).toBeUndefined();
  });
});

describe('the sentence', () => {
  const results = variantRun({ rounds: 3 });
  const column = (key: string, ratio: number, low: number, high: number): VariantColumn => ({
    key: `${key}/c64`,
    scenario: key,
    connections: 64,
    ratio,
    interval: { estimate: ratio, low, high },
    repeats: 5,
    paired: true,
  });

  it('names gains, small costs in tenths of a percent, and a pair with no comparable column', () => {
    const sentence = pairSentence(results, {
      variant: 'flask-granian',
      base: 'flask',
      columns: [column('json', 1.2, 1.15, 1.25), column('db', 0.996, 0.992, 0.999), column('queries', 1.01, 0.98, 1.04)],
      crossovers: [],
    });
    expect(sentence).toBe(
      'granian instead of gunicorn-gthread (Flask on Granian) against Flask: costs 0.4% (0.1-0.8%) on db; faster by 20% (15-25%) on json; no difference can be told on queries.',
    );
    expect(pairSentence(results, { variant: 'flask-granian', base: 'flask', columns: [], crossovers: [] })).toMatch(
      /: no column where both were measured comparably\.$/,
    );
  });
});
