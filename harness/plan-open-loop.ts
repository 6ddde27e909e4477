/**
 * Planning and rate resolution of the open-loop latency sweep (docs/open-loop.md). Pure.
 * Open-loop cells are slow-db cells at the run's first connection count and first database
 * round trip, one per offered rate; they run after every closed-loop cell, because a `%` rate
 * is a share of what the closed-loop cells measured.
 */
import { median } from './analysis/stats.ts';
import type { RunConfig } from './config/options.ts';
import { type RateSpec, rateIdPart, rateRps, rateShare } from './config/rates.ts';
import { BenchError } from './errors.ts';
import { type CellPlan, cellId, planCells, rttsOf } from './plan.ts';
import type { Cell } from './results/schema.ts';
import type { Scenario } from './scenarios/scenario.ts';

/** `fastapi/slow-db/c64/10ms/at50%`: the closed-loop id with the rate appended, so closed-loop ids are unchanged. */
export function openLoopCellId(c: Parameters<typeof cellId>[0], rateSpec: RateSpec): string {
  return `${cellId(c)}/${rateIdPart(rateSpec)}`;
}

/** The open-loop cells of one framework: per rate, its slow-db cells at the first connection count and round trip. */
export function planOpenLoopCells(config: RunConfig, scenarios: Scenario[], framework: string): CellPlan[] {
  const open = config.openLoop;
  if (!open) return [];
  const connections = config.connections[0]!;
  const rtt = rttsOf(config)[0]! || undefined;
  const base = planCells({ ...config, windowTiming: undefined, connections: [connections], dbRttMs: [rtt ?? 0] }, scenarios, framework).filter(
    (c) => c.kind === 'slow-db',
  );
  return open.rates.flatMap((rateSpec) =>
    base.map((c) => ({ ...c, id: openLoopCellId(c, rateSpec), rateSpec, arrival: open.arrival, offeredRps: rateRps(rateSpec) })),
  );
}

/** The cells whose capacity a `%` rate is a share of: one slow-db sweep (scenario, connections, round trip). */
export function sweepKey(c: Pick<CellPlan, 'scenario' | 'connections' | 'dbRttMs'>): string {
  return `${c.scenario}/c${c.connections}${c.dbRttMs ? `/rtt${c.dbRttMs}` : ''}`;
}

/** What resolving one open-loop cell's rate gave: the offered rate, or why there is none. */
export type RateResolution = { id: string; offeredRps: number } | { id: string; error: string };

export interface ResolvedRates {
  cells: RateResolution[];
  /** One line per sweep whose capacity had to do without some framework's failed cells. */
  warnings: string[];
}

/**
 * Pure: the offered rate of every open-loop cell. An absolute rate is itself. A share is of
 * the sweep's capacity: the lowest median requests/s among every framework's closed-loop
 * cells of the same sweep, so every framework can sustain it at every swept latency and the
 * whole sweep runs at one rate (docs/open-loop.md). Closed-loop cells that failed are left
 * out with a warning; with none measured, the open-loop cell gets an error instead.
 */
export function resolveOpenLoopRates(open: CellPlan[], closed: Cell[]): ResolvedRates {
  const warnings: string[] = [];
  const capacity = new Map<string, number | undefined>();
  const measured = (c: Cell) => c.status === 'ok' && c.repeats.length > 0;
  for (const key of new Set(open.filter((c) => rateShare(c.rateSpec ?? '') !== undefined).map(sweepKey))) {
    const sweep = closed.filter((c) => c.kind === 'slow-db' && c.rateSpec === undefined && sweepKey(c) === key);
    const ok = sweep.filter(measured);
    const failed = sweep.filter((c) => !measured(c)).map((c) => c.id);
    const rates = ok.map((c) => median(c.repeats.map((r) => r.measurement.rps))).filter((rps) => rps > 0);
    capacity.set(key, rates.length ? Math.min(...rates) : undefined);
    if (failed.length > 0 && rates.length > 0) {
      warnings.push(
        `${key}: the capacity behind its % rates leaves out ${failed.join(', ')} (not measured), so it is the slowest of the cells that were; a failed framework may not sustain it`,
      );
    }
  }
  const cells = open.map((c): RateResolution => {
    const spec = c.rateSpec ?? '';
    const absolute = rateRps(spec);
    if (absolute !== undefined) return { id: c.id, offeredRps: absolute };
    const share = rateShare(spec)!;
    const cap = capacity.get(sweepKey(c));
    if (cap === undefined) return { id: c.id, error: `no closed-loop ${sweepKey(c)} cell was measured, so ${spec} has no capacity to be a share of` };
    return { id: c.id, offeredRps: Math.round(share * cap * 10) / 10 };
  });
  return { cells, warnings };
}

/** Pure: a usage error when --rates or --arrival was given but no selected scenario is slow-db (the open-loop sweep's). */
export function checkOpenLoopScenarios(
  flags: { rates?: string | undefined; arrival?: string | undefined },
  config: Pick<RunConfig, 'scenarios'>,
  scenarios: Scenario[],
): void {
  if (flags.rates === undefined && flags.arrival === undefined) return;
  const slow = scenarios.filter((s) => s.kind === 'slow-db').map((s) => s.name);
  if (config.scenarios.some((name) => slow.includes(name))) return;
  throw new BenchError(
    'USAGE',
    `--${flags.rates === undefined ? 'arrival' : 'rates'} measures the slow-db sweep, but --scenarios ${config.scenarios.join(',')} has no slow-db scenario`,
    {
      hint: `add ${slow[0] ?? 'slow-db'} to --scenarios, or leave out --rates and --arrival`,
    },
  );
}
