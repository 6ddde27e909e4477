import { describe, expect, it } from 'vitest';
import { etaSeconds, etaText, foldLine, formatDuration, isMeasuredLine, planText, progressLine, stillMeasuringText } from '../../harness/output/format.ts';

describe('progress text', () => {
  it('formats durations short', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('estimates time left from the plan before the first measurement, then from the pace', () => {
    expect(etaSeconds({ elapsedS: 30, done: 0, total: 10, expectedS: 300 })).toBe(270);
    expect(etaSeconds({ elapsedS: 60, done: 2, total: 10, expectedS: 300 })).toBe(240);
    expect(etaSeconds({ elapsedS: 60, done: 10, total: 10 })).toBe(0);
    // Two minutes of image builds and ceilings before the first measurement do not count into the pace.
    expect(etaSeconds({ elapsedS: 130, done: 2, total: 10, measuringSinceS: 120 })).toBe(40);
    expect(etaText({ elapsedS: 5, done: 0, total: 10 })).toBe('ETA ?');
  });

  it('puts [k/N], elapsed and ETA on every line', () => {
    expect(progressLine({ done: 3, total: 24, elapsedS: 72, expectedS: 600, text: 'flask/db/c64: 2300 req/s' })).toBe(
      '[ 3/24] 1m12s ETA 8m24s  flask/db/c64: 2300 req/s',
    );
    expect(progressLine({ done: 0, total: 0, elapsedS: 3, text: 'runtime: local' })).toBe('3s  runtime: local');
  });

  it('folds a long line under its own text, every line within the width; leaves short lines and narrow terminals alone', () => {
    const prefix = '[  5/307] 5m01s ETA 1h20m  ';
    const text = 'flask: wheelhouse: pip download of /work/main/apps/flask/requirements.txt for CPython 3.13.5, glibc 2.41, x86_64';
    const folded = foldLine(prefix, text, 80).split('\n');
    expect(folded).toEqual([
      '[  5/307] 5m01s ETA 1h20m  flask: wheelhouse: pip download of',
      '                           /work/main/apps/flask/requirements.txt for CPython',
      '                           3.13.5, glibc 2.41, x86_64',
    ]);
    for (const l of foldLine(prefix, text, 120).split('\n')) expect(l.length).toBeLessThanOrEqual(120);
    expect(foldLine(prefix, 'flask/db/c64: 2300 req/s', 80)).toBe(`${prefix}flask/db/c64: 2300 req/s`);
    // 40 columns leave 13 beside the prefix: the terminal wraps it as it likes.
    expect(foldLine(prefix, text, 40)).toBe(`${prefix}${text}`);
  });

  it('states the plan with cells, repeats and duration', () => {
    expect(planText({ cells: 24, measurements: 72, expectedS: 936 })).toBe(
      'plan: 24 cell(s), 72 measurement(s) (3 repeat(s) per cell); measuring alone takes about 15m36s, starting apps and measuring ceilings add to it',
    );
  });

  it('says a long measurement is alive, in warm-up or measuring', () => {
    expect(stillMeasuringText({ cellId: 'flask/db/c64', secondsIn: 2, warmupS: 3, durationS: 10 })).toBe('still warming up flask/db/c64, 2/13 s');
    expect(stillMeasuringText({ cellId: 'flask/db/c64', secondsIn: 8, warmupS: 3, durationS: 10 })).toBe('still measuring flask/db/c64, 8/13 s');
  });

  it("recognises the orchestrator's per-repeat result lines", () => {
    expect(isMeasuredLine('flask/slow-db/c64/10ms: 930 req/s, p50 60 ms, p99 80 ms')).toBe(true);
    expect(isMeasuredLine('django-bolt/json/c64: 39700 req/s, p50 1 ms')).toBe(true);
    expect(isMeasuredLine('flask/db/c64: FAILED at verify: x')).toBe(false);
    expect(isMeasuredLine('ceiling: loadgen c64: 40000 req/s')).toBe(false);
  });
});
