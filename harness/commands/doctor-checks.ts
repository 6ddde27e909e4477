/** Pure judgement for `crossover doctor`: what blocks a run, what only weakens it. */

import type { BusyProcess } from '../resources/quiet.ts';

export interface Check {
  name: string;
  /** Required: a run cannot start without it. Optional: some feature or accuracy is lost. Machine: readiness to measure. */
  kind: 'required' | 'optional' | 'machine';
  ok: boolean;
  detail: string;
  fix?: string | undefined;
}

/** Exit code of `doctor --strict` when something required is missing: the run's own code for missing infrastructure. */
export const DOCTOR_NOT_READY_EXIT = 3;

/** Below 4 cores app, database and load generator share cores (cpu/layout.ts); results are flagged. */
export const MIN_DEDICATED_CORES = 4;
/**
 * 1-minute load per core above which the machine is busy: Django /json measured beside a
 * test run read about 40% below the same app measured alone on this project's 2-core machine.
 */
export const MAX_LOAD_PER_CORE = 0.2;
/** A process of another user of the machine above this share of one core disturbs measurements. */
export const BUSY_PROCESS_CPU = 0.1;
/** The full profile opens 256 load connections, plus the apps' and the database's own files. */
export const MIN_OPEN_FILES = 1024;
/** Six virtualenvs (about 150 MB each), the embedded database's data folder and run folders. */
export const MIN_FREE_DISK_BYTES = 2 * 2 ** 30;

export interface MachineFacts {
  cores: number;
  loadAvg1: number;
  /** The busiest other processes over a short sample (resources/quiet.ts), busiest first. */
  busy: BusyProcess[];
  openFilesLimit: number | undefined;
  freeDiskBytes: number | undefined;
  diskPath: string;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

export function machineChecks(m: MachineFacts): Check[] {
  const busy = m.busy.filter((p) => p.coreShare >= BUSY_PROCESS_CPU).sort((a, b) => b.coreShare - a.coreShare);
  return [
    {
      name: 'cores',
      kind: 'machine',
      ok: m.cores >= MIN_DEDICATED_CORES,
      detail: `${m.cores} core(s)${m.cores < MIN_DEDICATED_CORES ? ': app, database and load generator share cores, results are flagged' : ''}`,
      fix: `use a machine with ${MIN_DEDICATED_CORES}+ cores for a CPU set per role`,
    },
    {
      name: 'load average',
      kind: 'machine',
      ok: m.loadAvg1 / m.cores <= MAX_LOAD_PER_CORE,
      detail: `${m.loadAvg1.toFixed(2)} over 1 min on ${m.cores} core(s)`,
      fix: 'wait for other work to finish: a busy machine measures itself',
    },
    {
      name: 'busy processes',
      kind: 'machine',
      ok: busy.length === 0,
      detail:
        busy.length === 0
          ? 'none above 10% of a core'
          : busy
              .slice(0, 3)
              .map((p) => `${p.comm} (pid ${p.pid}, ${(p.coreShare * 100).toFixed(0)}%)`)
              .join(', '),
      fix: 'stop them before measuring',
    },
    {
      name: 'open-file limit',
      kind: 'machine',
      ok: m.openFilesLimit === undefined || m.openFilesLimit >= MIN_OPEN_FILES,
      detail: m.openFilesLimit === undefined ? 'unknown' : String(m.openFilesLimit),
      fix: `ulimit -n ${MIN_OPEN_FILES * 4}`,
    },
    {
      name: 'free disk',
      kind: 'machine',
      ok: m.freeDiskBytes === undefined || m.freeDiskBytes >= MIN_FREE_DISK_BYTES,
      detail: m.freeDiskBytes === undefined ? `unknown for ${m.diskPath}` : `${gib(m.freeDiskBytes)} on ${m.diskPath}`,
      fix: `free at least ${gib(MIN_FREE_DISK_BYTES)}`,
    },
  ];
}

/** The last line: ready, ready with caveats, or what blocks it. */
export function verdict(checks: Check[]): { ready: boolean; line: string } {
  const blocking = checks.filter((c) => c.kind === 'required' && !c.ok);
  if (blocking.length > 0) return { ready: false, line: `not ready: missing ${blocking.map((c) => `${c.name} (${c.fix ?? c.detail})`).join('; ')}` };
  const machine = checks.filter((c) => c.kind === 'machine' && !c.ok).map((c) => c.name);
  const optional = checks.filter((c) => c.kind === 'optional' && !c.ok).map((c) => c.name);
  const caveats = [
    machine.length ? `the machine is not quiet or roomy (${machine.join(', ')}), numbers may be disturbed` : '',
    optional.length ? `without ${optional.join(', ')}` : '',
  ].filter(Boolean);
  return { ready: true, line: `ready for npm run bench${caveats.length ? `, but ${caveats.join('; ')}` : ''}` };
}

export function formatChecks(checks: Check[]): string {
  const lines: string[] = [];
  for (const kind of ['required', 'optional', 'machine'] as const) {
    lines.push(kind === 'machine' ? 'machine readiness:' : `${kind}:`);
    for (const c of checks.filter((x) => x.kind === kind)) {
      const status = c.ok ? 'ok' : kind === 'required' ? 'MISSING' : 'WARN';
      lines.push(`  ${status.padEnd(8)}${c.name.padEnd(26)} ${c.detail}`);
      if (!c.ok && c.fix) lines.push(`          fix: ${c.fix}`);
    }
  }
  const v = verdict(checks);
  lines.push('', v.line);
  return `${lines.join('\n')}\n`;
}
