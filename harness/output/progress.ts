import cliProgress from 'cli-progress';
import type { RunEvent, RunObserver } from '../events.ts';
import { foldLine, formatDuration, isMeasuredLine, planText, progressPrefix, stillMeasuringText } from './format.ts';

/** Seconds between "still measuring" lines when no bar can be drawn: a 30 s measurement shows life three times. */
export const HEARTBEAT_S = 10;

export interface ProgressStream {
  write(text: string): unknown;
  /** cli-progress draws only on a TTY. */
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Milliseconds, monotonic enough for elapsed times (Date.now in the CLI, a fake in tests). */
  now: () => number;
  /** Draw a live bar (a TTY outside CI) instead of periodic lines. */
  live: boolean;
  /** Print nothing: `--quiet`. */
  quiet: boolean;
  /** Calls `fn` every `ms` until the returned function is called. */
  every?: (ms: number, fn: () => void) => () => void;
  heartbeatS?: number;
}

export interface ProgressDisplay {
  observe: RunObserver;
  /** Stops timers and the bar; idempotent. */
  close(): void;
}

const realEvery = (ms: number, fn: () => void) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * A subscriber to RunEvents that prints the plan, then `[k/N] elapsed ETA` on every line,
 * and keeps a long measurement visibly alive. It never decides anything about the run.
 */
export function createProgress(o: ProgressOptions): ProgressDisplay {
  const every = o.every ?? realEvery;
  const heartbeatMs = (o.heartbeatS ?? HEARTBEAT_S) * 1000;
  const startMs = o.now();
  let total = 0;
  let expectedS: number | undefined;
  let done = 0;
  let planned = false;
  // Once the orchestrator emits measure-end, log lines no longer count measurements.
  let measureEvents = false;
  let current: { cellId: string; startMs: number; warmupS: number; durationS: number } | undefined;
  let stopTimer: (() => void) | undefined;
  let bar: cliProgress.SingleBar | undefined;

  // Time spent waiting for another run's measurements (the measuring lock) is not this run's: not in elapsed time, not in ETAs.
  let waitedMs = 0;
  let waitingSince: number | undefined;
  const elapsedS = () => (o.now() - startMs - waitedMs - (waitingSince === undefined ? 0 : o.now() - waitingSince)) / 1000;
  let measuringSinceS: number | undefined;
  // On a terminal that says its width, a long line folds under its own text (a pipe or a CI log keeps it whole, for grep).
  const width = o.stream.isTTY && o.stream.columns ? o.stream.columns : undefined;
  const fold = (prefix: string, text: string) => (width ? foldLine(prefix, text, width) : `${prefix}${text}`);
  const line = (text: string) => fold(progressPrefix({ done, total, elapsedS: elapsedS(), expectedS, measuringSinceS }), text);
  const secondsIn = () => (current ? (o.now() - current.startMs) / 1000 : 0);

  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  const startBar = () => {
    if (!current) return;
    const size = current.warmupS + current.durationS;
    bar = new cliProgress.SingleBar(
      {
        stream: o.stream as NodeJS.WritableStream,
        format: '  {cell} [{bar}] {value}/{total} s',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 20,
        linewrap: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(size, Math.min(size, Math.round(secondsIn())), { cell: current.cellId });
  };
  const print = (text: string) => {
    if (o.quiet) return;
    // A bar owns the last line: take it down, print, put it back.
    const hadBar = bar !== undefined;
    stopBar();
    o.stream.write(`${text}\n`);
    if (hadBar) startBar();
  };
  const endMeasurement = () => {
    stopTimer?.();
    stopTimer = undefined;
    stopBar();
    current = undefined;
  };

  const observe = (event: RunEvent): void => {
    switch (event.type) {
      case 'plan':
        total = event.measurements;
        expectedS = event.expectedS;
        if (!planned) print(fold('', planText(event)));
        planned = true;
        return;
      case 'stage':
        print(line(`${event.stage}${event.detail ? `: ${event.detail}` : ''}`));
        return;
      case 'measure-start': {
        endMeasurement();
        measuringSinceS ??= elapsedS();
        total = event.total || total;
        current = { cellId: event.cellId, startMs: o.now(), warmupS: event.warmupS, durationS: event.durationS };
        if (o.quiet) return;
        if (o.live) {
          startBar();
          stopTimer = every(1000, () => bar?.update(Math.min(bar.getTotal(), Math.round(secondsIn()))));
        } else {
          print(line(`measuring ${event.cellId} (repeat ${event.repeat + 1}): ${event.warmupS} s warm-up, ${event.durationS} s measured`));
          stopTimer = every(
            heartbeatMs,
            () =>
              current &&
              print(line(stillMeasuringText({ cellId: current.cellId, secondsIn: secondsIn(), warmupS: current.warmupS, durationS: current.durationS }))),
          );
        }
        return;
      }
      case 'measure-end':
        endMeasurement();
        measureEvents = true;
        total = event.total || total;
        done = Math.min(total || Number.POSITIVE_INFINITY, done + 1);
        print(line(`${event.cellId}: ${event.summary}`));
        return;
      case 'cell-failed':
        endMeasurement();
        print(line(`${event.cellId} FAILED: ${event.reason}`));
        return;
      case 'warning':
        print(line(`warning (${event.code}): ${event.message}`));
        return;
      case 'waiting':
        waitingSince ??= o.now();
        // Even with --quiet: a run that stops for minutes must say why.
        if (o.quiet) o.stream.write(`${event.line}\n`);
        else print(line(event.line));
        return;
      case 'waited':
        if (waitingSince !== undefined) waitedMs += o.now() - waitingSince;
        waitingSince = undefined;
        print(line(`waited ${formatDuration(event.waitedS)} for the other run (not counted in elapsed time or ETA); measuring now`));
        return;
      case 'log':
        if (!measureEvents && isMeasuredLine(event.line)) done = Math.min(total || Number.POSITIVE_INFINITY, done + 1);
        print(line(event.line));
        return;
    }
  };
  return { observe, close: endMeasurement };
}
