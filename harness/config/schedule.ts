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
  flags: { schedule: Schedule; seed?: number | undefined; interleave: boolean; precision?: number | undefined; budget?: number | undefined },
  now: Date,
  profile: StoppingDefaults,
): { schedule: Schedule; seed?: number; stopping?: Stopping } {
  if (flags.schedule !== 'side-by-side') {
    const adaptive = flags.precision !== undefined ? `--precision ${flags.precision}` : flags.budget !== undefined ? `--budget ${flags.budget}` : undefined;
    if (adaptive) {
      throw new BenchError(
        'USAGE',
        `${adaptive} sets when the rounds of --schedule side-by-side stop, and the ${flags.schedule} schedule runs --repeat rounds`,
        {
          hint: `add --schedule side-by-side, or leave out ${adaptive.split(' ')[0]}`,
        },
      );
    }
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
  return {
    schedule: 'side-by-side',
    seed: flags.seed ?? now.getTime() % (MAX_SEED + 1),
    stopping: {
      targetHalfWidth: flags.precision === undefined ? profile.targetHalfWidth : flags.precision / 100,
      budgetS: flags.budget ?? profile.budgetS,
      maxRounds: MAX_ROUNDS,
    },
  };
}

/**
 * When side-by-side rounds stop (docs/schedule.md): once every ratio to the fastest of a
 * column has a 95% interval narrower than ±targetHalfWidth (relative), or when budgetS of
 * rounds is spent, or after maxRounds; never before --repeat rounds and MIN_ROUNDS.
 */
export const StoppingSchema = z.object({
  targetHalfWidth: z.number().positive(),
  budgetS: z.number().positive(),
  maxRounds: z.number().int().positive(),
});
export type Stopping = z.infer<typeof StoppingSchema>;
export type StoppingDefaults = Pick<Stopping, 'targetHalfWidth' | 'budgetS'>;

/**
 * Fewer rounds give no interval worth stopping on: a bootstrap interval of a median of 3
 * is their range, and covers the true value 75% of the time (docs/analysis.md); of 5,
 * about 94%.
 */
export const MIN_ROUNDS = 5;
/** A cap on planned rounds; the budget ends a run long before it on any profile. */
export const MAX_ROUNDS = 200;
