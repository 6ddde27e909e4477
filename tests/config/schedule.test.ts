import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { resolveSchedule } from '../../harness/config/schedule.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { makeConfig, makeResults } from '../support/factories.ts';

const known = { frameworks: ['django', 'flask'], scenarios: ['json', 'db'] };
const now = new Date('2026-11-21T10:20:30.456Z');

const defaults = { targetHalfWidth: 0.05, budgetS: 150 };

describe('--schedule and --seed', () => {
  it('records the restart schedule, without a seed, by default', () => {
    const config = resolveRunConfig({}, known, now);
    expect(config.schedule).toBe('restart');
    expect(config.seed).toBeUndefined();
  });

  it('records side-by-side with the seed given, or one taken from the start time', () => {
    expect(resolveRunConfig({ schedule: 'side-by-side', seed: '42' }, known, now)).toMatchObject({ schedule: 'side-by-side', seed: 42 });
    const seed = resolveRunConfig({ schedule: 'side-by-side' }, known, now).seed;
    expect(seed).toBe(now.getTime() % 2 ** 32);
    expect(resolveRunConfig({ schedule: 'side-by-side' }, known, new Date(now.getTime() + 1)).seed).not.toBe(seed);
  });

  it('refuses a seed without side-by-side, side-by-side without interleaving, and seeds outside 32 bits', () => {
    expect(() => resolveSchedule({ schedule: 'restart', seed: 1, interleave: true }, now, defaults)).toThrow(
      /--seed 1 orders the rounds of --schedule side-by-side/,
    );
    expect(() => resolveSchedule({ schedule: 'side-by-side', interleave: false }, now, defaults)).toThrow(/--no-interleave/);
    try {
      resolveRunConfig({ seed: 5 }, known, now);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'USAGE', hint: 'add --schedule side-by-side, or leave out --seed' });
    }
    expect(() => resolveRunConfig({ schedule: 'side-by-side', seed: 2 ** 32 }, known, now)).toThrow(/invalid option/);
    expect(() => resolveRunConfig({ schedule: 'interleaved' as 'restart' }, known, now)).toThrow(/invalid option/);
  });

  it('stops side-by-side rounds at the profile precision and budget unless told otherwise, and refuses both without side-by-side', () => {
    expect(resolveRunConfig({ schedule: 'side-by-side' }, known, now).stopping).toEqual({ targetHalfWidth: 0.05, budgetS: 150, maxRounds: 200 });
    expect(resolveRunConfig({ schedule: 'side-by-side', profile: 'standard' }, known, now).stopping).toMatchObject({ targetHalfWidth: 0.02, budgetS: 1200 });
    expect(resolveRunConfig({ schedule: 'side-by-side', precision: '2.5', budget: '60' }, known, now).stopping).toMatchObject({
      targetHalfWidth: 0.025,
      budgetS: 60,
    });
    expect(resolveRunConfig({}, known, now).stopping).toBeUndefined();
    expect(() => resolveRunConfig({ precision: '2' }, known, now)).toThrow(/--precision 2 sets when the rounds of --schedule side-by-side stop/);
    expect(() => resolveRunConfig({ budget: '60' }, known, now)).toThrow(/--budget 60 sets when/);
    expect(() => resolveRunConfig({ schedule: 'side-by-side', precision: '0' }, known, now)).toThrow(/invalid option/);
  });

  it('keeps results written before --schedule readable (no schedule: restart) and keeps the schedule and seed of newer ones', () => {
    const old = makeResults([], { config: makeConfig() });
    expect(ResultsSchema.parse(old).config.schedule).toBeUndefined();
    const sideBySide = makeResults([], { config: makeConfig({ schedule: 'side-by-side', seed: 7 }) });
    expect(ResultsSchema.parse(JSON.parse(JSON.stringify(sideBySide))).config).toMatchObject({ schedule: 'side-by-side', seed: 7 });
  });
});
