import { describe, expect, it } from 'vitest';
import { createProgress } from '../../harness/output/progress.ts';

function harness(o: { live?: boolean; quiet?: boolean; tty?: boolean } = {}) {
  let nowMs = 0;
  const out: string[] = [];
  const timers: { ms: number; fn: () => void; stopped: boolean }[] = [];
  const display = createProgress({
    stream: { write: (t: string) => out.push(t), isTTY: o.tty ?? o.live ?? false, columns: 80 },
    now: () => nowMs,
    live: o.live ?? false,
    quiet: o.quiet ?? false,
    every: (ms, fn) => {
      const t = { ms, fn, stopped: false };
      timers.push(t);
      return () => {
        t.stopped = true;
      };
    },
  });
  const advance = (s: number) => {
    nowMs += s * 1000;
    for (const t of timers) if (!t.stopped) t.fn();
  };
  return { display, out, timers, advance, text: () => out.join('') };
}

describe('progress display', () => {
  it('prints the plan first, then [k/N], elapsed and ETA on each line, and periodic lines during a measurement', () => {
    const h = harness();
    h.display.observe({ type: 'plan', cells: 2, measurements: 4, expectedS: 40 });
    h.display.observe({ type: 'measure-start', cellId: 'flask/db/c64', repeat: 0, index: 0, total: 4, warmupS: 2, durationS: 8 });
    h.advance(10);
    h.display.observe({ type: 'measure-end', cellId: 'flask/db/c64', repeat: 0, index: 0, total: 4, summary: '2300 req/s' });
    h.advance(10);
    h.display.close();
    expect(h.text()).toBe(
      [
        'plan: 2 cell(s), 4 measurement(s) (2 repeat(s) per cell); measuring alone takes about 40s, starting apps and measuring ceilings add to it',
        '[0/4] 0s ETA 40s  measuring flask/db/c64 (repeat 1): 2 s warm-up, 8 s measured',
        '[0/4] 10s ETA 30s  still measuring flask/db/c64, 10/10 s',
        '[1/4] 10s ETA 30s  flask/db/c64: 2300 req/s',
        '',
      ].join('\n'),
    );
    // The heartbeat stopped with the measurement.
    expect(h.timers.every((t) => t.stopped)).toBe(true);
  });

  it('counts measurements from log lines when the orchestrator emits no measure events', () => {
    const h = harness();
    h.display.observe({ type: 'plan', cells: 2, measurements: 2, expectedS: 20 });
    h.display.observe({ type: 'log', line: 'runtime: local (python found)' });
    h.advance(30);
    h.display.observe({ type: 'log', line: 'flask/json/c64: 3000 req/s, p50 20 ms, p99 30 ms' });
    expect(h.out.slice(1)).toEqual([
      '[0/2] 0s ETA 20s  runtime: local (python found)\n',
      '[1/2] 30s ETA 30s  flask/json/c64: 3000 req/s, p50 20 ms, p99 30 ms\n',
    ]);
  });

  it('shows failures and warnings on their own lines', () => {
    const h = harness();
    h.display.observe({ type: 'cell-failed', cellId: 'drf/db/c64', reason: 'the app exited (3)' });
    h.display.observe({ type: 'warning', code: 'DRIFT', message: 'the machine drifted 12%' });
    expect(h.text()).toBe('0s  drf/db/c64 FAILED: the app exited (3)\n0s  warning (DRIFT): the machine drifted 12%\n');
  });

  it('prints nothing with --quiet', () => {
    const h = harness({ quiet: true });
    h.display.observe({ type: 'plan', cells: 1, measurements: 1, expectedS: 10 });
    h.display.observe({ type: 'measure-start', cellId: 'x/json/c64', repeat: 0, index: 0, total: 1, warmupS: 1, durationS: 1 });
    h.advance(20);
    h.display.observe({ type: 'log', line: 'anything' });
    expect(h.out).toEqual([]);
  });

  it('draws a live bar on a TTY and takes it down before printing a line', () => {
    const h = harness({ live: true });
    h.display.observe({ type: 'plan', cells: 1, measurements: 1, expectedS: 10 });
    h.display.observe({ type: 'measure-start', cellId: 'x/json/c64', repeat: 0, index: 0, total: 1, warmupS: 2, durationS: 8 });
    h.advance(5);
    h.display.observe({ type: 'measure-end', cellId: 'x/json/c64', repeat: 0, index: 0, total: 1, summary: '1000 req/s' });
    h.display.close();
    const text = h.text();
    expect(text).toContain('x/json/c64 [');
    expect(text).toContain('[1/1] 5s ETA 0s  x/json/c64: 1000 req/s\n');
  });

  it('folds long lines to the width of a terminal, and keeps them whole in a pipe or a CI log', () => {
    const long = 'runtime: docker (the images are built from crossover-base:trixie, which the machine already holds)';
    for (const tty of [true, false]) {
      const h = harness({ tty });
      h.display.observe({ type: 'plan', cells: 2, measurements: 4, expectedS: 40 });
      h.display.observe({ type: 'log', line: long });
      const lines = h.text().trimEnd().split('\n');
      if (tty) {
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
        expect(lines.slice(-2)).toEqual([
          '[0/4] 0s ETA 40s  runtime: docker (the images are built from',
          '                  crossover-base:trixie, which the machine already holds)',
        ]);
      } else expect(lines.at(-1)).toBe(`[0/4] 0s ETA 40s  ${long}`);
    }
  });

  it('prints the waiting line and leaves the wait out of elapsed time and the ETA', () => {
    const h = harness();
    h.display.observe({ type: 'plan', cells: 1, measurements: 1, expectedS: 30 });
    h.advance(5);
    h.display.observe({ type: 'waiting', line: 'another crossover run (pid 42, results/a-quick) is measuring on this machine; waiting, Ctrl-C to stop' });
    h.advance(600);
    h.display.observe({ type: 'waited', waitedS: 600 });
    h.advance(5);
    h.display.observe({ type: 'stage', stage: 'ceilings' });
    expect(h.out.slice(1)).toEqual([
      '[0/1] 5s ETA 25s  another crossover run (pid 42, results/a-quick) is measuring on this machine; waiting, Ctrl-C to stop\n',
      '[0/1] 5s ETA 25s  waited 10m00s for the other run (not counted in elapsed time or ETA); measuring now\n',
      // 610 s since the start, 600 of them waiting.
      '[0/1] 10s ETA 20s  ceilings\n',
    ]);
  });

  it('prints the waiting line even with --quiet: a run that stops for minutes says why', () => {
    const h = harness({ quiet: true });
    h.display.observe({ type: 'plan', cells: 1, measurements: 1, expectedS: 30 });
    h.display.observe({ type: 'waiting', line: 'another crossover run (pid 42) is measuring on this machine; waiting, Ctrl-C to stop' });
    h.display.observe({ type: 'waited', waitedS: 3 });
    expect(h.text()).toBe('another crossover run (pid 42) is measuring on this machine; waiting, Ctrl-C to stop\n');
  });
});
