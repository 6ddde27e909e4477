import type { WarningCode } from './warnings.ts';

/**
 * What a run tells its observers (progress display, logs, tests). The orchestrator emits
 * these; it never prints. A display is only a subscriber, as in autocannon.
 */
export type RunEvent =
  | {
      type: 'plan';
      cells: number;
      measurements: number;
      expectedS: number;
      /** --schedule side-by-side with adaptive stopping: the precision aimed at and the seconds of rounds allowed. */
      stopping?: { targetHalfWidth: number; budgetS: number; minRounds: number; expectedRounds: number } | undefined;
    }
  | { type: 'stage'; stage: 'prepare' | 'ceilings' | 'measure' | 'drift' | 'report'; detail?: string }
  | { type: 'measure-start'; cellId: string; repeat: number; index: number; total: number; warmupS: number; durationS: number }
  | { type: 'measure-end'; cellId: string; repeat: number; index: number; total: number; summary: string; rps?: number }
  | { type: 'cell-failed'; cellId: string; reason: string; stage?: 'prepare' | 'start' | 'verify' | 'measure' }
  | { type: 'log'; line: string }
  /** Another run holds the machine-wide measuring lock (util/measuring-lock.ts): this one waits; `line` says for whom. */
  | { type: 'waiting'; line: string }
  /** The lock is taken after `waitedS` of waiting: time not counted in elapsed time or ETAs. */
  | { type: 'waited'; waitedS: number }
  | { type: 'warning'; code: WarningCode | string; message: string }
  | { type: 'finish'; status: 'complete' | 'failed' | 'interrupted' };

export type RunObserver = (event: RunEvent) => void;

/** Pure: the progress line an event stood for before events existed; undefined for events that print nothing. */
export function eventLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'plan':
      return `plan: ${event.cells} cells, ${event.measurements} measurements, about ${Math.ceil(event.expectedS / 60)} min`;
    case 'stage':
      return event.detail ? `${event.stage}: ${event.detail}` : undefined;
    case 'measure-start':
      return undefined;
    case 'measure-end':
      return `${event.cellId}: ${event.summary}`;
    case 'cell-failed':
      return `${event.cellId}: FAILED${event.stage ? ` at ${event.stage}` : ''}: ${event.reason}`;
    case 'log':
    case 'waiting':
      return event.line;
    case 'waited':
      return `waited ${Math.round(event.waitedS)} s for the other run; measuring now`;
    case 'warning':
      return `warning: ${event.message}`;
    case 'finish':
      return `run ${event.status}`;
  }
}

/** An observer that writes the classic progress lines through `log` (commands/run.ts, tests). */
export function logObserver(log: (line: string) => void): RunObserver {
  return (event) => {
    const line = eventLine(event);
    if (line !== undefined) log(line);
  };
}
