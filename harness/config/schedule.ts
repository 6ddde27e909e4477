import { z } from 'zod';
import { BenchError } from '../errors.ts';

/**
 * How the closed-loop cells are scheduled (docs/schedule.md). `restart`: per round, each
 * framework is started, its cells measured, and stopped. `side-by-side`: every app is started
 * once per database round trip and stays up; each round measures the frameworks of one cell
 * back to back in a seeded random order.
 */
export const SCHEDULES = ['restart', 'side-by-side'] as const;
export const ScheduleSchema = z.enum(SCHEDULES);
export type Schedule = z.infer<typeof ScheduleSchema>;

/** The largest seed: the round order's generator (mulberry32) keeps 32 bits of state. */
export const MAX_SEED = 0xffff_ffff;

/**
 * Pure: the schedule and, for `side-by-side`, the seed of its round order: `--seed`, or the
 * start time's milliseconds, so two runs differ unless asked to be the same.
 */
export function resolveSchedule(
  flags: { schedule: Schedule; seed?: number | undefined; interleave: boolean },
  now: Date,
): { schedule: Schedule; seed?: number } {
  if (flags.schedule !== 'side-by-side') {
    if (flags.seed !== undefined) {
      throw new BenchError(
        'USAGE',
        `--seed ${flags.seed} orders the rounds of --schedule side-by-side, and the ${flags.schedule} schedule has no random order`,
        {
          hint: 'add --schedule side-by-side, or leave out --seed',
        },
      );
    }
    return { schedule: flags.schedule };
  }
  if (!flags.interleave) {
    throw new BenchError(
      'USAGE',
      "--no-interleave runs a framework's repeats back to back, and --schedule side-by-side measures every repeat in its own round",
      {
        hint: 'leave out --no-interleave or --schedule side-by-side',
      },
    );
  }
  return { schedule: 'side-by-side', seed: flags.seed ?? now.getTime() % (MAX_SEED + 1) };
}
