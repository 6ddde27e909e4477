/**
 * What a run tells its observers (progress display, logs, tests). The orchestrator emits
 * these; it never prints. A display is only a subscriber, as in autocannon.
 */
export type RunEvent =
  | { type: 'plan'; cells: number; measurements: number; expectedS: number }
  | { type: 'stage'; stage: 'prepare' | 'ceilings' | 'measure' | 'drift' | 'report'; detail?: string }
  | { type: 'measure-start'; cellId: string; repeat: number; index: number; total: number; warmupS: number; durationS: number }
  | { type: 'measure-end'; cellId: string; repeat: number; index: number; total: number; summary: string }
  | { type: 'cell-failed'; cellId: string; reason: string }
  | { type: 'log'; line: string }
  | { type: 'warning'; code: string; message: string };

export type RunObserver = (event: RunEvent) => void;
