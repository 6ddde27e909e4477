import { describe, expect, it } from 'vitest';
import { remeasuredLines } from '../../harness/report/rounds.ts';
import { makeCell, makeResults } from '../support/factories.ts';

describe('windows measured again', () => {
  it('are counted per cell in one line, and leave no line when there were none', () => {
    const cell = makeCell({ framework: 'flask', scenario: 'json', rps: [1000, 1010, 990] });
    const again = { ...cell, remeasured: [{ ...cell.repeats[0]!, reason: 'other processes took 60% of a core' }] };
    expect(remeasuredLines(makeResults([again, makeCell({ framework: 'django', scenario: 'json', rps: [900] })]))).toEqual([
      '1 window(s) measured again because other processes or the hypervisor took CPU during them (kept in results.json as `remeasured`, left out of every figure): flask/json/c64 (1).',
    ]);
    expect(remeasuredLines(makeResults([cell]))).toEqual([]);
  });
});
