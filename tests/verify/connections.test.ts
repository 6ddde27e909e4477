import { describe, expect, it } from 'vitest';
import { connectionCapProblems, summarizeCounts, unnamedConnectionsProblem } from '../../harness/verify/connections.ts';

describe('summarizeCounts', () => {
  it('gives the peak and mean of the samples', () => {
    expect(summarizeCounts([8, 10, 10, 12])).toEqual({ peak: 12, mean: 10, samples: 4 });
    expect(summarizeCounts([])).toEqual({ peak: 0, mean: 0, samples: 0 });
  });
});

describe('connectionCapProblems', () => {
  it('passes a peak at the cap and fails one above it, with the counts', () => {
    expect(connectionCapProblems({ peak: 10, mean: 9.5, samples: 40 }, 10, 'under load')).toEqual([]);
    expect(connectionCapProblems({ peak: 20, mean: 17.25, samples: 38 }, 10, 'under 20 concurrent requests to /db for 1 s')).toEqual([
      'under 20 concurrent requests to /db for 1 s the app held up to 20 database connections (mean 17.3 over 38 samples of pg_stat_activity), ' +
        'above the cap of 10; size its pool or threads from DB_POOL_SIZE/THREADS so that workers x pool <= the cap',
    ]);
  });
});

describe('unnamedConnectionsProblem', () => {
  it('fails a count that never saw the app by its name (a 0 would pass any cap), and passes one that did', () => {
    expect(unnamedConnectionsProblem({ peak: 0, mean: 0, samples: 40 }, 'crossover-app-flask', 'under load')).toEqual([
      "under load no database connection named 'crossover-app-flask' was seen in pg_stat_activity (40 samples), so the app's connections cannot be counted; " +
        'connect with the application_name of DATABASE_URL, or leave libpq its PGAPPNAME default',
    ]);
    expect(unnamedConnectionsProblem({ peak: 1, mean: 1, samples: 40 }, 'crossover-app-flask', 'under load')).toEqual([]);
    // Without a name (a caller that counts every connection) there is nothing to prove.
    expect(unnamedConnectionsProblem({ peak: 0, mean: 0, samples: 40 }, undefined, 'under load')).toEqual([]);
  });
});
