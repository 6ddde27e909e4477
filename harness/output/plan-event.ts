import type { RunConfig } from '../config/options.ts';
import type { RunEvent } from '../events.ts';
import { planCells } from '../plan.ts';
import { planOpenLoopCells } from '../plan-open-loop.ts';
import type { Scenario } from '../scenarios/scenario.ts';

/**
 * The plan as the progress display needs it, from the config alone. Pure. `expectedS`
 * counts warm-up and measured seconds only: app start-ups and ceilings depend on the machine.
 */
export function planEvent(config: RunConfig, scenarios: Scenario[]): Extract<RunEvent, { type: 'plan' }> {
  const cells = config.frameworks.reduce((n, f) => n + planCells(config, scenarios, f).length + planOpenLoopCells(config, scenarios, f).length, 0);
  const measurements = cells * config.repeat;
  return { type: 'plan', cells, measurements, expectedS: measurements * (config.warmupS + config.durationS) };
}
