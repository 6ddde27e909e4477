import { describe, expect, it } from 'vitest';
import { ACTIVITY_SQL, type ActivitySample, activeShare, summarizeWaits } from '../../harness/db/activity.ts';
import { DbWaitsSchema } from '../../harness/results/db-waits-schema.ts';

const sample = (o: Partial<ActivitySample>): ActivitySample => ({ total: 8, active: 0, lock: 0, commit: 0, onCpu: 0, idleInTransaction: 0, ...o });

describe('summarizeWaits', () => {
  it('gives each state its mean backends per sample and the share of samples that saw one', () => {
    const w = summarizeWaits([
      sample({ active: 4, lock: 3, onCpu: 1 }),
      sample({ active: 4, lock: 2, commit: 1, onCpu: 1 }),
      sample({ active: 2, onCpu: 2, idleInTransaction: 1 }),
      sample({ active: 0 }),
    ]);
    expect(w.samples).toBe(4);
    expect(w.total).toEqual({ mean: 8, seenShare: 1 });
    expect(w.active).toEqual({ mean: 2.5, seenShare: 0.75 });
    expect(w.lock).toEqual({ mean: 1.25, seenShare: 0.5 });
    expect(w.commit).toEqual({ mean: 0.25, seenShare: 0.25 });
    expect(w.onCpu).toEqual({ mean: 1, seenShare: 0.75 });
    expect(w.idleInTransaction).toEqual({ mean: 0.25, seenShare: 0.25 });
    expect(DbWaitsSchema.parse(w)).toEqual(w);
  });

  it('says zero, not NaN, for a window without samples', () => {
    const w = summarizeWaits([]);
    expect(w.samples).toBe(0);
    expect(w.lock).toEqual({ mean: 0, seenShare: 0 });
    expect(DbWaitsSchema.safeParse(w).success).toBe(true);
  });
});

describe('activeShare', () => {
  it('is the mean waiting over the mean active: 60% of the active backends on locks', () => {
    const w = summarizeWaits([sample({ active: 5, lock: 3, onCpu: 2 }), sample({ active: 5, lock: 3, commit: 1, onCpu: 1 })]);
    expect(activeShare(w, 'lock')).toBeCloseTo(0.6);
    expect(activeShare(w, 'commit')).toBeCloseTo(0.1);
    expect(activeShare(w, 'onCpu')).toBeCloseTo(0.3);
  });

  it('is undefined when no backend was ever active', () => {
    expect(activeShare(summarizeWaits([sample({})]), 'lock')).toBeUndefined();
  });
});

describe('ACTIVITY_SQL', () => {
  it('counts the app by its name alone, in one query, with the commit waits of every PostgreSQL naming', () => {
    expect(ACTIVITY_SQL).toContain('application_name = $1');
    for (const name of ['WALSync', 'WALWrite', 'WALInitSync', 'WALWriteLock', 'SyncRep', "'Lock'", 'idle in transaction']) expect(ACTIVITY_SQL).toContain(name);
  });
});
