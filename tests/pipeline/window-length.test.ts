import { describe, expect, it } from 'vitest';
import type { LoadJob } from '../../harness/load/types.ts';
import { LONGEST_WINDOW, longerWindow, queueTimeouts, shortWindowReason } from '../../harness/pipeline/window-length.ts';
import { remeasuredLines } from '../../harness/report/rounds.ts';
import { makeMeasurement } from '../support/factories.ts';
import { runFake } from '../support/fakes.ts';

const plan = { connections: 64, warmupS: 0.5, durationS: 2 };

describe('a window too short for one request per connection', () => {
  it('is lengthened from what it completed: a ramp of at least the queue wait C / X, three turnovers measured, a timeout of twice the wait', () => {
    // 16 answers in 2 s: 8 req/s, so 64 connections wait 8 s each.
    const m = makeMeasurement({ requests2xx: 16, rps: 8, durationS: 2 });
    expect(longerWindow(m, plan)).toEqual({ warmupS: 8, durationS: 24, timeoutS: 16 });
  });

  it('with nothing completed, at least doubles the whole window', () => {
    const m = makeMeasurement({ requests2xx: 0, rps: 0, durationS: 2 });
    expect(longerWindow(m, plan)).toEqual({ warmupS: 5, durationS: 15, timeoutS: 10 });
  });

  it('is not lengthened once it answered once per request in flight, pipelined requests included', () => {
    expect(longerWindow(makeMeasurement({ requests2xx: 64, durationS: 2 }), plan)).toBeUndefined();
    expect(longerWindow(makeMeasurement({ requests2xx: 64, durationS: 2 }), { ...plan, pipelining: 16 })).toBeDefined();
  });

  it('is not lengthened when its requests failed (it was wrong, not short), for an open-loop cell, or past the longest window', () => {
    expect(longerWindow(makeMeasurement({ requests2xx: 0, errors: 3, timeouts: 3, durationS: 2 }), plan)).toBeUndefined();
    expect(longerWindow(makeMeasurement({ requests2xx: 10, non2xx: 5, durationS: 2 }), plan)).toBeUndefined();
    expect(longerWindow(makeMeasurement({ requests2xx: 0, durationS: 2 }), { ...plan, rateSpec: '50%' })).toBeUndefined();
    expect(longerWindow(makeMeasurement({ requests2xx: 1, durationS: 60 }), { ...plan, durationS: LONGEST_WINDOW.durationS })).toBeUndefined();
  });

  it('never asks for more than the longest window', () => {
    const next = longerWindow(makeMeasurement({ requests2xx: 1, rps: 0.5, durationS: 2 }), plan);
    expect(next).toEqual({ warmupS: LONGEST_WINDOW.warmupS, durationS: LONGEST_WINDOW.durationS, timeoutS: LONGEST_WINDOW.timeoutS });
  });
});

describe('a window whose requests timed out because the queue is that long', () => {
  // Modelled on DRF on big-result at 10,000 rows in a standard run (58 answers and 7 timeouts at 10 s in 10 s): 65 answers, 6.5 req/s, 64 connections.
  const drf = makeMeasurement({ requests2xx: 65, rps: 6.5, durationS: 10, errors: 7, timeouts: 7 });
  const standard = { connections: 64, warmupS: 3, durationS: 10 };

  it('is lengthened when only timeouts failed and the mean wait C / X is more than half the timeout, with a timeout of twice the wait', () => {
    expect(queueTimeouts(drf, standard)?.waitS).toBeCloseTo(9.85, 2);
    expect(longerWindow(drf, standard)).toEqual({ warmupS: 10, durationS: 30, timeoutS: 20 });
    expect(shortWindowReason(drf, standard, longerWindow(drf, standard)!)).toBe(
      'window too short: 7 timeout(s) at 10 s while 64 requests in flight waited 9.8 s each on average (65 answers in 10 s); measured again with 10 s + 30 s (timeout 20 s)',
    );
  });

  it('is not excused when the requests timed out at many times the mean wait (an app that serves out of order), or failed otherwise', () => {
    // FastAPI on the same cell: 268 answers in 10 s (2.4 s mean wait), one timeout at 10 s.
    const fastapi = makeMeasurement({ requests2xx: 268, rps: 26.8, durationS: 10, errors: 1, timeouts: 1 });
    expect(queueTimeouts(fastapi, standard)).toBeUndefined();
    expect(longerWindow(fastapi, standard)).toBeUndefined();
    // Errors besides the timeouts, or non-2xx answers: wrong, not slow.
    expect(longerWindow({ ...drf, errors: 9 }, standard)).toBeUndefined();
    expect(longerWindow({ ...drf, non2xx: 1 }, standard)).toBeUndefined();
    // Already given a timeout of twice the wait.
    expect(longerWindow(drf, { ...standard, timeoutS: 20 })).toBeUndefined();
  });

  it('in a run: measured again with the longer timeout, the cell passes, and the timed-out window is kept aside', async () => {
    const jobs: LoadJob[] = [];
    const { results } = await runFake({
      config: { frameworks: ['drf'], scenarios: ['db'], warmupS: 3, durationS: 10 },
      measurement: (id, _run, job) => {
        if (id !== 'drf/db/c64') return {};
        jobs.push(job);
        const answered = Math.round(6.5 * job.durationS);
        return (job.timeoutS ?? 10) < 20
          ? { requests2xx: answered, rps: 6.5, durationS: job.durationS, errors: 7, timeouts: 7 }
          : { requests2xx: answered, rps: 6.5, durationS: job.durationS };
      },
    });
    const cell = results.cells[0]!;
    expect(cell.status).toBe('ok');
    // The drift check at the end measures the cell again with the same longer timing.
    expect(jobs.map((j) => [j.warmupS, j.durationS, j.timeoutS])).toEqual([
      [3, 10, undefined],
      [10, 30, 20],
      [10, 30, 20],
    ]);
    expect(results.warnings.map((w) => w.code)).not.toContain('DRIFT_FAILED');
    expect(cell.remeasured?.map((r) => r.reason)).toEqual([
      'window too short: 7 timeout(s) at 10 s while 64 requests in flight waited 9.8 s each on average (65 answers in 10 s); measured again with 10 s + 30 s (timeout 20 s)',
    ]);
  });
});

describe('in a run', () => {
  // An app whose queue at 64 connections waits 8 s: a window answers only once it is longer than that.
  const slowApp = (jobs: LoadJob[]) => (id: string, _run: number, job: LoadJob) => {
    if (id !== 'flask/db/c64') return {};
    jobs.push(job);
    const answered = job.durationS >= 8 ? Math.round(8 * job.durationS) : 0;
    return { requests2xx: answered, rps: answered / job.durationS, durationS: job.durationS };
  };

  for (const schedule of ['restart', 'side-by-side'] as const) {
    it(`${schedule}: the short window is kept aside with its reason, measured again longer, and every later window of the cell keeps the longer timing`, async () => {
      const jobs: LoadJob[] = [];
      const { results } = await runFake({
        config: { schedule, repeat: 3, seed: 1, frameworks: ['flask', 'fastapi'], scenarios: ['json', 'db'], warmupS: 0.5, durationS: 2 },
        measurement: slowApp(jobs),
      });
      const cell = results.cells.find((c) => c.id === 'flask/db/c64')!;
      expect(cell.status).toBe('ok');
      expect(cell.repeats).toHaveLength(3);
      expect(cell.repeats.every((r) => r.measurement.requests2xx > 0)).toBe(true);
      expect(cell.remeasured?.map((r) => r.reason)).toEqual([
        'window too short: 0 answer(s) in 2 s for 64 requests in flight; measured again with 5 s + 15 s (timeout 10 s)',
      ]);
      // One short window, then the longer timing for the measured one and every repeat after it.
      expect(jobs.map((j) => [j.warmupS, j.durationS, j.timeoutS])).toEqual([
        [0.5, 2, undefined],
        [5, 15, 10],
        [5, 15, 10],
        [5, 15, 10],
      ]);
      // The other cells keep their timing.
      expect(results.cells.filter((c) => c.id !== cell.id).every((c) => (c.remeasured ?? []).length === 0)).toBe(true);
      expect(remeasuredLines(results)).toEqual([
        "1 window(s) measured again with a longer window and timeout, because the queue's wait (requests in flight / rate) outlasted the window (fewer answers than requests in flight) or half the request timeout (kept in results.json as `remeasured`, left out of every figure): flask/db/c64 (1).",
      ]);
    });
  }

  it('an app that never answers fails once the window cannot grow, with the reason', async () => {
    const { results } = await runFake({ config: { frameworks: ['flask'], scenarios: ['json'] }, measurement: () => ({ requests2xx: 0, rps: 0 }) });
    const cell = results.cells[0]!;
    expect(cell.failure?.reason).toMatch(/^no successful \(2xx\) responses/);
    expect(cell.remeasured?.length).toBeGreaterThan(0);
  });
});
