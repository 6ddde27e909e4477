import type { RunConfig } from '../config/options.ts';
import type { RunEvent } from '../events.ts';
import { expectedClosedRounds, minRounds } from '../pipeline/run-plan.ts';
import { planCells } from '../plan.ts';
import { planOpenLoopCells } from '../plan-open-loop.ts';
import type { Scenario } from '../scenarios/scenario.ts';

/**
 * The plan as the progress display needs it, from the config alone. Pure. `expectedS`
 * counts warm-up and measured seconds only: app start-ups and ceilings depend on the machine.
 */
export function planEvent(config: RunConfig, scenarios: Scenario[]): Extract<RunEvent, { type: 'plan' }> {
  const closed = config.frameworks.flatMap((f) => planCells(config, scenarios, f));
  const open = config.frameworks.reduce((n, f) => n + planOpenLoopCells(config, scenarios, f).length, 0);
  const rounds = expectedClosedRounds(config, closed);
  const measurements = closed.length * rounds + open * config.repeat;
  return {
    type: 'plan',
    cells: closed.length + open,
    measurements,
    expectedS: measurements * (config.warmupS + config.durationS),
    stopping: config.stopping
      ? { targetHalfWidth: config.stopping.targetHalfWidth, budgetS: config.stopping.budgetS, minRounds: minRounds(config), expectedRounds: rounds }
      : undefined,
  };
}
