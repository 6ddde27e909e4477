import type { Warning } from './results/schema.ts';

/** What a warning says and what to do about it; `detail` adds the specifics of one occurrence. */
interface WarningSpec {
  summary: string;
  hint?: string;
}

/**
 * Every warning a run can record: a closed set, so a report or a CI job can match on the code
 * and each one carries its own advice.
 */
export const WARNINGS = {
  BUSY_MACHINE: {
    summary: 'the machine was busy before the run: its figures may be low and uneven',
    hint: 'stop other work or run on a quiet machine, then run again; compare runs only from quiet machines',
  },
  DISTURBED: {
    summary: 'other processes or the hypervisor took CPU while these cells were measured: their figures may be low and are marked # in every table',
    hint: 'stop the other work (another benchmark, a build, a test run) and measure again; see docs/measured-facts.md, "Other processes during a measured window"',
  },
  SHARED_CORES: { summary: 'the load generator, the database and the app share cores', hint: 'on 4+ cores each role gets its own' },
  NO_PGBENCH: {
    summary: 'pgbench not found: database ceilings measured with node-postgres, which may limit them on one core',
    hint: 'apt-get install postgresql-client or a postgresql package',
  },
  CEILING_FAILED: { summary: 'a ceiling could not be measured', hint: 'cells of this shape are labelled without that ceiling' },
  CROSS_CHECK_FAILED: { summary: 'the wrk cross-check could not run', hint: 'apt-get install wrk, or put any wrk on PATH' },
  STOP_FAILED: { summary: 'stopping something the run started failed', hint: 'look for leftover processes or containers labelled crossover-bench' },
  ENGINE_CORES: {
    summary: "the remote engine's machine has fewer cores than this machine's layout gave the app: the apps' workers were sized for more",
    hint: 'use an app host with at least as many cores, or compare runs made on the same app host only',
  },
  STEAL: {
    summary: 'the hypervisor gave CPU time to other guests while this run had work (steal in /proc/stat): every figure is low and noisy, tail latencies most',
    hint: 're-run on a host that is not overcommitted, or on bare metal; see docs/measured-facts.md, "Hypervisor steal"',
  },
  MACHINE_SPEED: {
    summary:
      'the machine itself changed speed during the run: the same fixed work, timed by the harness before the first cell and after the last, took a different time',
    hint: 'figures from the start and the end of the run are not comparable; re-run on a quiet machine. With DRIFT too, the machine moved, not the apps; see docs/measured-facts.md, "The machine\'s own speed"',
  },
  DRIFT: { summary: 'the machine was not steady between the start and the end of the run', hint: 're-run on a quiet machine' },
  DRIFT_FAILED: { summary: 'the drift check could not measure the first cell again' },
  OPEN_LOOP_RATE: {
    summary: 'an open-loop % rate was resolved without some closed-loop cells',
    hint: 'the rate is a share of the slowest framework that was measured; see docs/open-loop.md',
  },
} as const satisfies Record<string, WarningSpec>;

export type WarningCode = keyof typeof WARNINGS;

/** Pure: the recorded warning for `code`, with the occurrence's detail appended. */
export function makeWarning(code: WarningCode, detail?: string): Warning {
  const spec: WarningSpec = WARNINGS[code];
  return { code, message: detail ? `${spec.summary}: ${detail}` : spec.summary, ...(spec.hint ? { hint: spec.hint } : {}) };
}
