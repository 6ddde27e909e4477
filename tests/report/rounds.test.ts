import { describe, expect, it } from 'vitest';
import { roundsLines } from '../../harness/report/rounds.ts';
import { makeResults } from '../support/factories.ts';

describe('roundsLines', () => {
  it('says how the side-by-side rounds ended and names every column short of the target, by how much', () => {
    const results = makeResults([], {
      rounds: [
        {
          rounds: 14,
          stoppedBy: 'budget',
          targetHalfWidth: 0.05,
          budgetS: 150,
          elapsedS: 151.2,
          columns: [
            { shape: 'json/c64', rounds: 5, halfWidth: 0.012, met: true },
            { shape: 'db/c64', rounds: 14, halfWidth: 0.071, met: false },
          ],
        },
      ],
    });
    const [line] = roundsLines(results);
    expect(line).toContain('Rounds side by side: 14 in');
    expect(line).toContain('stopped because the budget was spent');
    expect(line).toContain('1 of 2 columns have every ratio to the fastest within ±5% (95% interval); not within it: db/c64 (±7.1% after 14 rounds).');
    expect(roundsLines(makeResults([]))).toEqual([]);
  });
});
