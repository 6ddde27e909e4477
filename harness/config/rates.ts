/**
 * Offered rates of the open-loop mode (`--rates`, `--arrival`): parsing, defaults and their
 * text in cell ids and tables. Pure. See docs/open-loop.md.
 */
import { z } from 'zod';
import { BenchError } from '../errors.ts';

/**
 * One offered rate in canonical text: `300` (requests/s) or `50%` (a share of the slowest
 * framework's closed-loop throughput over the slow-db sweep it applies to; docs/open-loop.md).
 */
export const RateSpecSchema = z.string().regex(/^\d+(\.\d+)?%?$/, 'a rate is requests/s (300) or a share (50%)');
export type RateSpec = z.infer<typeof RateSpecSchema>;

export const ARRIVALS = ['constant', 'poisson'] as const;
export const ArrivalSchema = z.enum(ARRIVALS);
export type Arrival = z.infer<typeof ArrivalSchema>;

/** What a run measures in open loop: how requests are spaced and at which rates. */
export const OpenLoopConfigSchema = z.object({ arrival: ArrivalSchema, rates: z.array(RateSpecSchema).min(1) });
export type OpenLoopConfig = z.infer<typeof OpenLoopConfigSchema>;

/** `--arrival` without `--rates` (and no profile rates): half the slowest framework's capacity, the standard profile's choice. */
export const DEFAULT_RATES: readonly RateSpec[] = ['50%'];
/** `--rates` without `--arrival`: Poisson, many independent users (docs/open-loop.md). */
export const DEFAULT_ARRIVAL: Arrival = 'poisson';

const RATES_HINT =
  "give requests/s (300) or shares of the slowest framework's closed-loop throughput (50%), comma-separated: --rates 50%,80% or --rates 300,600";

/** The share of a capacity a spec names (0.5 for `50%`), or undefined for an absolute rate. */
export function rateShare(spec: RateSpec): number | undefined {
  return spec.endsWith('%') ? Number(spec.slice(0, -1)) / 100 : undefined;
}

/** The absolute rate a spec names, or undefined for a share. */
export function rateRps(spec: RateSpec): number | undefined {
  return spec.endsWith('%') ? undefined : Number(spec);
}

/** `/open300` or `/at50%`: the suffix of an open-loop cell's id, so closed-loop ids stay as they were. */
export function rateIdPart(spec: RateSpec): string {
  return rateShare(spec) === undefined ? `open${spec}` : `at${spec}`;
}

/** `300 req/s` or `50% of capacity`, for titles. */
export function rateText(spec: RateSpec): string {
  return rateShare(spec) === undefined ? `${spec} req/s` : `${spec} of capacity`;
}

/** Pure: `--rates 50%,300` -> ['50%', '300']; a usage error naming the bad item otherwise. */
export function parseRates(text: string): RateSpec[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.every((s) => s === '')) throw new BenchError('USAGE', '--rates is empty', { hint: RATES_HINT });
  const specs = items.map((item) => {
    const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(item);
    const value = match ? Number(match[1]) : Number.NaN;
    if (!match || !(value > 0)) throw new BenchError('USAGE', `--rates: '${item}' is not a rate above 0`, { hint: RATES_HINT });
    if (match[2] === '%' && value > 100) {
      throw new BenchError('USAGE', `--rates: ${item} is more than the slowest framework can sustain`, {
        hint: 'give a share of at most 100%, or an absolute rate in requests/s',
      });
    }
    return `${value}${match[2]}`;
  });
  return [...new Set(specs)];
}

/**
 * Pure: the run's open-loop settings from the flags and the profile. Either flag alone picks
 * the other's default: `--arrival` alone measures the profile's rates (or DEFAULT_RATES),
 * `--rates` alone uses DEFAULT_ARRIVAL. Neither: the profile's (none in quick).
 */
export function resolveOpenLoop(arrival: Arrival | undefined, rates: string | undefined, profile: OpenLoopConfig | undefined): OpenLoopConfig | undefined {
  if (arrival === undefined && rates === undefined) return profile ? { arrival: profile.arrival, rates: [...profile.rates] } : undefined;
  return {
    arrival: arrival ?? profile?.arrival ?? DEFAULT_ARRIVAL,
    rates: rates === undefined ? [...(profile?.rates ?? DEFAULT_RATES)] : parseRates(rates),
  };
}
