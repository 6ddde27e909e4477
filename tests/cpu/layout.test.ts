import { describe, expect, it } from 'vitest';
import { parseCpuList, planCpuLayout } from '../../harness/cpu/layout.ts';

describe('CPU layout', () => {
  it('parses Linux cpu lists', () => {
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('1')).toEqual([1]);
  });

  it('gives every role its own cores from 4 up, and flags sharing below', () => {
    expect(planCpuLayout([0, 1, 2, 3, 4, 5])).toMatchObject({ loadgenCpus: [0], dbCpus: [1], appCpus: [2, 3, 4, 5], shared: false });
    expect(planCpuLayout([0, 1])).toMatchObject({ loadgenCpus: [0], dbCpus: [0], appCpus: [1], shared: true });
  });

  it('uses the ids of the CPUs it is allowed, not 0..n-1', () => {
    expect(planCpuLayout([2, 3])).toMatchObject({ loadgenCpus: [2], dbCpus: [2], appCpus: [3], totalCores: 2 });
  });
});
