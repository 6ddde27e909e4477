import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import {
  attribute,
  COMMIT_WAIT_SHARE,
  DB_SATURATED,
  databaseCauses,
  LOCK_WAIT_SHARE,
  MIN_WAIT_SAMPLES,
  shortLabels,
} from '../../harness/analysis/attribution.ts';
import { spread } from '../../harness/analysis/stats.ts';
import { summarizeCell, type WaitShares, waitShares } from '../../harness/analysis/summary.ts';
import { csvExporter } from '../../harness/report/exporters/csv.ts';
import type { DbWaits } from '../../harness/results/db-waits-schema.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const shares = (o: Partial<WaitShares>): WaitShares => ({ samples: 100, active: 8, lock: 0, commit: 0, onCpu: 0.5, ...o });
const cell = (o: { dbCpu?: number; dbCores?: number; dbWaits?: WaitShares; appCpu?: number }) => ({ rps: spread([1000]), ...o });
const noBounds = { sharedLoadgenDbCore: false };

/** One window's summary with `lock` of `active` backends on locks and `commit` on commits, on average. */
const window = (active: number, lock: number, commit = 0, samples = 100): DbWaits => {
  const s = (mean: number) => ({ mean, seenShare: mean > 0 ? 1 : 0 });
  return { samples, total: s(16), active: s(active), lock: s(lock), commit: s(commit), onCpu: s(active - lock - commit), idleInTransaction: s(0) };
};

describe('databaseCauses: the database CPU', () => {
  it(`labels database CPU at ${DB_SATURATED} of its cores, with the cores busy, and not just below`, () => {
    expect(databaseCauses(cell({ dbCpu: 0.95, dbCores: 2 }))).toEqual([{ label: 'database CPU', reason: 'db CPU 95% of its 2 cores (1.9 busy) >= 90%' }]);
    expect(databaseCauses(cell({ dbCpu: DB_SATURATED }))).toHaveLength(1);
    expect(databaseCauses(cell({ dbCpu: DB_SATURATED - 1e-9, dbCores: 2 }))).toEqual([]);
  });
});

describe('databaseCauses: waits', () => {
  it('labels a window with 60% of the active backends on locks as lock waits, one with 5% not', () => {
    const [limit] = databaseCauses(cell({ dbWaits: shares({ lock: 0.6 }) }));
    expect(limit).toEqual({ label: 'lock waits', reason: "on average 60% of the app's 8.0 active backends waited on a lock (100 samples) >= 25%" });
    expect(databaseCauses(cell({ dbWaits: shares({ lock: 0.05 }) }))).toEqual([]);
  });

  it(`holds at ${LOCK_WAIT_SHARE} and ${COMMIT_WAIT_SHARE} exactly, not just below`, () => {
    expect(databaseCauses(cell({ dbWaits: shares({ lock: LOCK_WAIT_SHARE, commit: COMMIT_WAIT_SHARE }) })).map((l) => l.label)).toEqual([
      'lock waits',
      'commit latency',
    ]);
    expect(databaseCauses(cell({ dbWaits: shares({ lock: LOCK_WAIT_SHARE - 1e-9, commit: COMMIT_WAIT_SHARE - 1e-9 }) }))).toEqual([]);
  });

  it('labels commit latency with its reason', () => {
    expect(databaseCauses(cell({ dbWaits: shares({ commit: 0.4, active: 3 }) }))).toEqual([
      { label: 'commit latency', reason: "on average 40% of the app's 3.0 active backends waited on the WAL flush of a commit (100 samples) >= 25%" },
    ]);
  });

  it(`says nothing from fewer than ${MIN_WAIT_SAMPLES} samples`, () => {
    expect(databaseCauses(cell({ dbWaits: shares({ lock: 0.9, samples: MIN_WAIT_SAMPLES - 1 }) }))).toEqual([]);
  });
});

describe('attribute with the database causes', () => {
  it('adds them beside the other labels, in BOTTLENECKS order, and keeps the shares as evidence', () => {
    const a = attribute(cell({ appCpu: 0.95, dbCpu: 0.3, dbWaits: shares({ lock: 0.5, commit: 0.3 }) }), noBounds);
    expect(a.labels).toEqual(['framework', 'lock waits', 'commit latency']);
    expect(a.label).toBe('framework');
    expect(a.evidence).toContain('db backends 8.0 active: 50% on locks, 30% on commit, 50% on CPU');
    expect(shortLabels(a.labels)).toBe('fw+locks+commit');
  });

  it('makes a cell with nothing else lock-bound, not undetermined', () => {
    expect(attribute(cell({ appCpu: 0.4, dbWaits: shares({ lock: 0.7 }) }), noBounds).labels).toEqual(['lock waits']);
    expect(attribute(cell({ appCpu: 0.4, dbWaits: shares({ lock: 0.05 }) }), noBounds).labels).toEqual(['undetermined']);
  });
});

describe('waitShares', () => {
  it('takes the median over repeats of each window share, and sums the samples', () => {
    const c = makeCell({ framework: 'flask', scenario: 'hot-rows', kind: 'hot-rows', rps: [1, 2, 3] });
    const windows = [window(10, 6), window(8, 4, 2), window(10, 1)];
    for (const [i, r] of c.repeats.entries()) r.resources!.dbWaits = windows[i];
    expect(waitShares(c)).toEqual({ samples: 300, active: 10, lock: 0.5, commit: 0, onCpu: 0.4 });
    expect(summarizeCell(c).dbWaits?.lock).toBe(0.5);
  });

  it('is absent on results from before the waits were sampled, which still parse', () => {
    const c = makeCell({ framework: 'flask', scenario: 'db', rps: [1000] });
    expect(waitShares(c)).toBeUndefined();
    expect(ResultsSchema.safeParse(makeResults([c])).success).toBe(true);
  });
});

describe('a lock-bound cell through analyze and results.csv', () => {
  it('is labelled lock waits, with its shares in their columns', async () => {
    const c = makeCell({ framework: 'flask', scenario: 'hot-rows', kind: 'hot-rows', rps: [1000, 1000, 1000], appCpu: 0.3, dbCpu: 0.2 });
    for (const r of c.repeats) r.resources!.dbWaits = window(10, 6);
    const results = makeResults([c]);
    const analysis = analyze(results);
    expect(analysis.cells[0]!.attribution?.labels).toEqual(['lock waits']);
    const [head, row] = (await csvExporter.serialize(results, analysis, []))
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const col = (name: string) => row![head!.indexOf(name)];
    expect(col('bottlenecks')).toBe('lock waits');
    expect(col('db_active_backends')).toBe('10.00');
    expect(col('db_lock_share')).toBe('0.600');
    expect(col('db_commit_share')).toBe('0.000');
  });
});
