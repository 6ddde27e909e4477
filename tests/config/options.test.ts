import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { planCells } from '../../harness/plan.ts';
import type { Scenario } from '../../harness/scenarios/scenario.ts';

const known = { frameworks: ['django', 'fastapi', 'flask'], scenarios: ['json', 'db', 'queries', 'slow-db'] };
const now = new Date('2026-11-21T10:20:30.456Z');

const scenarios: Scenario[] = [
  { name: 'json', description: 'j', kind: 'json', path: '/json' },
  { name: 'db', description: 'd', kind: 'db', path: '/db' },
  { name: 'queries', description: 'q', kind: 'queries', path: '/queries?queries={queries}', queries: 20 },
  { name: 'slow-db', description: 's', kind: 'slow-db', path: '/slow-db?ms={dbLatencyMs}', dbLatencyMs: 10 },
];

describe('resolveRunConfig', () => {
  it('applies the quick profile and a UTC-stamped output folder', () => {
    const config = resolveRunConfig({}, known, now);
    expect(config).toMatchObject({ profile: 'quick', durationS: 2, warmupS: 1, repeat: 1, connections: [64], out: 'results/20261121T102030Z-quick' });
    expect(config.boundTiming).toEqual({ fromMs: 5, warmupS: 1, durationS: 1 });
    expect(config.frameworks).toEqual(known.frameworks);
  });

  it('names an unknown framework and lists the valid ones', () => {
    expect(() => resolveRunConfig({ frameworks: 'fastapi,falcon' }, known, now)).toThrow("unknown framework 'falcon'");
    try {
      resolveRunConfig({ frameworks: 'falcon' }, known, now);
    } catch (error) {
      expect((error as { hint: string }).hint).toBe('choose from: django, fastapi, flask');
      expect((error as { code: string }).code).toBe('USAGE');
    }
  });

  it('reports the option path of an invalid value', () => {
    expect(() => resolveRunConfig({ connections: '64,-1' }, known, now)).toThrow(/connections\.1/);
    expect(() => resolveRunConfig({ db: 'mysql://x' }, known, now)).toThrow(/db: must be 'embedded', 'docker' or a postgres:\/\/ URL/);
  });

  it('lets flags override the profile', () => {
    const config = resolveRunConfig({ profile: 'standard', duration: '3', dbLatencies: '0,5' }, known, now);
    expect(config).toMatchObject({ durationS: 3, repeat: 3, dbLatenciesMs: [0, 5] });
    // An explicit duration is for every cell: the profile's shorter latency-bound timing is dropped.
    expect(config.boundTiming).toBeUndefined();
  });
});

describe('planCells', () => {
  it('gives the quick profile one cell per scenario and a slow-db sweep of five latencies, the latency-bound ones shorter, extended from the predictions', () => {
    const cells = planCells(resolveRunConfig({}, known, now), scenarios, 'fastapi');
    expect(cells.map((c) => c.id)).toEqual([
      'fastapi/json/c64',
      'fastapi/db/c64',
      'fastapi/queries/c64',
      'fastapi/slow-db/c64/0ms',
      'fastapi/slow-db/c64/5ms',
      'fastapi/slow-db/c64/10ms',
      'fastapi/slow-db/c64/20ms',
      'fastapi/slow-db/c64/50ms',
    ]);
    expect(cells.map((c) => c.path)).toEqual([
      '/json',
      '/db',
      '/queries?queries=20',
      '/slow-db?ms=0',
      '/slow-db?ms=5',
      '/slow-db?ms=10',
      '/slow-db?ms=20',
      '/slow-db?ms=50',
    ]);
    expect(cells.map((c) => c.durationS)).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect(resolveRunConfig({}, known, now).extendSweep).toBe(true);
    expect(resolveRunConfig({ dbLatencies: '0,5' }, known, now).extendSweep).toBe(false);
  });

  it('sweeps slow-db in the standard profile', () => {
    const cells = planCells(resolveRunConfig({ profile: 'standard', scenarios: 'slow-db' }, known, now), scenarios, 'flask');
    expect(cells.filter((c) => c.dbRttMs === undefined).map((c) => c.dbLatencyMs)).toEqual([0, 1, 2, 5, 10, 20, 50]);
  });
});

describe('side-by-side window timing and fractional seconds', () => {
  it("times side-by-side windows by the profile's window, and the ceilings and open-loop cells by its restart timing", () => {
    const config = resolveRunConfig({ schedule: 'side-by-side' }, known, now);
    expect(config.windowTiming).toEqual({ warmupS: 0.5, durationS: 1.5, bound: { fromMs: 5, warmupS: 0.5, durationS: 1 } });
    const cells = planCells(config, scenarios, 'flask');
    expect(cells.find((c) => c.id === 'flask/db/c64')).toMatchObject({ warmupS: 0.5, durationS: 1.5 });
    expect(cells.find((c) => c.id === 'flask/slow-db/c64/10ms')).toMatchObject({ warmupS: 0.5, durationS: 1 });
    expect(planCells({ ...config, windowTiming: undefined }, scenarios, 'flask')[1]).toMatchObject({ warmupS: 1, durationS: 2 });
    // The restart schedule, and --duration or --warmup, keep the cells' timing as given.
    expect(resolveRunConfig({}, known, now).windowTiming).toBeUndefined();
    expect(resolveRunConfig({ schedule: 'side-by-side', duration: '3' }, known, now).windowTiming).toBeUndefined();
  });

  it('takes seconds with one decimal and refuses more', () => {
    expect(resolveRunConfig({ duration: '0.5', warmup: '0.2' }, known, now)).toMatchObject({ durationS: 0.5, warmupS: 0.2 });
    expect(() => resolveRunConfig({ duration: '0.55' }, known, now)).toThrow(/duration.*at most one decimal/);
    expect(() => resolveRunConfig({ duration: '0' }, known, now)).toThrow(/duration/);
    expect(() => resolveRunConfig({ warmup: '-1' }, known, now)).toThrow(/warmup/);
  });
});
