import { describe, expect, it } from 'vitest';
import { eventLine, logObserver } from '../harness/events.ts';
import { makeWarning, WARNINGS } from '../harness/warnings.ts';

describe('run events as log lines', () => {
  it('give the classic progress lines', () => {
    expect(eventLine({ type: 'measure-end', cellId: 'flask/db/c64', repeat: 0, index: 1, total: 3, summary: '900 req/s' })).toBe('flask/db/c64: 900 req/s');
    expect(eventLine({ type: 'cell-failed', cellId: 'flask/db/c64', stage: 'verify', reason: 'wrong body' })).toBe(
      'flask/db/c64: FAILED at verify: wrong body',
    );
    expect(eventLine({ type: 'plan', cells: 24, measurements: 25, expectedS: 250 })).toBe('plan: 24 cells, 25 measurements, about 5 min');
    expect(eventLine({ type: 'measure-start', cellId: 'x', repeat: 0, index: 1, total: 1, warmupS: 2, durationS: 5 })).toBeUndefined();
  });

  it('reach a log function only when they have a line', () => {
    const lines: string[] = [];
    const observe = logObserver((l) => lines.push(l));
    observe({ type: 'stage', stage: 'prepare' });
    observe({ type: 'log', line: 'flask: environment cached' });
    observe({ type: 'warning', code: 'DRIFT', message: 'moved' });
    expect(lines).toEqual(['flask: environment cached', 'warning: moved']);
  });
});

describe('warnings', () => {
  it('are a closed set, each with its text; the detail of one occurrence follows', () => {
    expect(makeWarning('SHARED_CORES', 'app on core 1')).toEqual({
      code: 'SHARED_CORES',
      message: `${WARNINGS.SHARED_CORES.summary}: app on core 1`,
      hint: WARNINGS.SHARED_CORES.hint,
    });
    expect(makeWarning('DRIFT_FAILED')).toEqual({ code: 'DRIFT_FAILED', message: WARNINGS.DRIFT_FAILED.summary });
  });
});
