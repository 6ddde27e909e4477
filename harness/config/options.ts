import { z } from 'zod';
import { selectFrameworks } from '../apps/catalog.ts';
import { BenchError } from '../errors.ts';
import { formatZodError } from '../zod-format.ts';
import { PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.ts';
import { ArrivalSchema, OpenLoopConfigSchema, resolveOpenLoop } from './rates.ts';
import { MAX_SEED, resolveSchedule, ScheduleSchema, StoppingSchema } from './schedule.ts';

/** The cap on database connections every app gets (docs/measured-facts.md#shared-core-workers: an asyncpg pool of 10 beat 64 on a shared core). */
export const DEFAULT_CONNECTION_CAP = 10;
/** For users with a registry; without one, the offline images below stand in (see provision.ts). */
export const DEFAULT_BASE_IMAGE = 'python:3.13-slim';
export const DEFAULT_DB_IMAGE = 'postgres:18';
/** Built from Debian packages by docker/build-base-image.sh, for machines without a registry. */
export const OFFLINE_BASE_IMAGE = 'crossover-base:trixie';
export const OFFLINE_DB_IMAGE = 'crossover-postgres:trixie';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const positiveInt = z.coerce.number().int().positive();
/** A number of seconds with at most one decimal: `0.5`, `2`. */
const tenths = (min: number) =>
  z.coerce
    .number()
    .min(min)
    .refine((n) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9, { message: 'takes at most one decimal (0.5, 2)' });
/** `16,64` -> [16, 64], each checked by `item`. */
const numberList = (item: z.ZodNumber) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => Number(x.trim())))
    .pipe(z.array(item).min(1));

/** Raw CLI options of `crossover run`, before profile defaults are applied. */
export const RunFlagsSchema = z
  .object({
    frameworks: csv.optional(),
    scenarios: csv.optional(),
    /** --baseline django: every framework's ratio to it per column, with its interval (analysis/ratios.ts). */
    baseline: z.string().min(1).optional(),
    runtime: z.enum(['local', 'docker', 'auto']).default('auto'),
    db: z
      .string()
      .refine((s) => s === 'embedded' || s === 'docker' || /^postgres(ql)?:\/\//.test(s), {
        message: "must be 'embedded', 'docker' or a postgres:// URL",
      })
      .default('embedded'),
    profile: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]).default('quick'),
    // Seconds in steps of 0.1: side by side, the apps stay warm and short windows are the point (docs/schedule.md).
    duration: tenths(0.1).optional(),
    warmup: tenths(0).optional(),
    connections: numberList(z.number().int().positive()).optional(),
    repeat: positiveInt.optional(),
    dbLatencies: numberList(z.number().int().min(0).max(10_000)).optional(),
    /** --db-rtt 0,0.5,1: round trips added between app and database, in ms (docs/network.md). */
    dbRtt: numberList(z.number().min(0).max(1000)).optional(),
    /** --app-host: where the apps are reached (an address, or a remote Docker engine). */
    appHost: z.string().min(1).optional(),
    connectionCap: positiveInt.default(DEFAULT_CONNECTION_CAP),
    out: z.string().optional(),
    python: z.string().optional(),
    /** Undefined: python:3.13-slim, or the offline image when only that one is present. */
    baseImage: z.string().min(1).optional(),
    dbImage: z.string().min(1).optional(),
    interleave: z.boolean().default(true),
    crossCheck: z.boolean().default(false),
    /** --synchronous-commit off: TechEmpower's commit setting on the database the harness starts (docs/updates.md). */
    synchronousCommit: z.enum(['on', 'off']).optional(),
    /** --arrival constant|poisson: open-loop spacing (docs/open-loop.md). */
    arrival: ArrivalSchema.optional(),
    /** --rates 50%,300: open-loop offered rates, parsed by config/rates.ts parseRates. */
    rates: z.string().optional(),
    /** --schedule restart|side-by-side, and --seed N for the side-by-side round order (config/schedule.ts). */
    schedule: ScheduleSchema.default('restart'),
    seed: z.coerce.number().int().min(0).max(MAX_SEED).optional(),
    /** --precision 2: side-by-side rounds go on until every ratio's 95% interval is within ±2%. */
    precision: z.coerce.number().gt(0).max(50).optional(),
    /** --budget 600: seconds of side-by-side rounds at most. */
    budget: z.coerce.number().int().positive().max(86_400).optional(),
  })
  .strict();

export type RunFlags = z.input<typeof RunFlagsSchema>;

/** Everything a run needs to know, resolved; written into results.json. */
export const RunConfigSchema = z.object({
  frameworks: z.array(z.string()).min(1),
  scenarios: z.array(z.string()).min(1),
  runtime: z.enum(['local', 'docker', 'auto']),
  db: z.string(),
  profile: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]),
  durationS: z.number().positive(),
  warmupS: z.number().min(0),
  connections: z.array(z.number().int().positive()).min(1),
  repeat: z.number().int().positive(),
  /** slow-db latencies measured (the profile's sweep unless --db-latencies). */
  dbLatenciesMs: z.array(z.number().int().min(0)).optional(),
  /**
   * The sweep above is the profile's, so latencies are added once the db cells predict a crossover
   * beyond half its reach (analysis/sweep-placement.ts); false or absent: --db-latencies, kept as given.
   */
  extendSweep: z.boolean().optional(),
  /** Shorter load runs for latency-bound slow-db cells (the profile's; none when --duration or --warmup is given). */
  boundTiming: z.object({ fromMs: z.number().min(0), warmupS: z.number().min(0), durationS: z.number().positive() }).optional(),
  /**
   * Side by side: the closed-loop windows' timing (the profile's `window`), when --duration and
   * --warmup are not given; the fields above then time the ceilings and the open-loop cells.
   */
  windowTiming: z
    .object({
      warmupS: z.number().min(0),
      durationS: z.number().positive(),
      bound: z.object({ fromMs: z.number().min(0), warmupS: z.number().min(0), durationS: z.number().positive() }).optional(),
    })
    .optional(),
  /** Round trips added between app and database, in ms; 0 is the direct path. Undefined in results from before --db-rtt: [0]. */
  dbRttMs: z.array(z.number().min(0)).optional(),
  /** Where the apps are reached; undefined: 127.0.0.1. */
  appHost: z.string().optional(),
  connectionCap: z.number().int().positive(),
  out: z.string(),
  python: z.string().optional(),
  /**
   * --python a,b: every app runs once per interpreter, as `<app>-py3.13` (python/interpreters.ts);
   * absent: one interpreter for every app.
   */
  interpreters: z.array(z.object({ label: z.string(), path: z.string(), version: z.string(), freeThreaded: z.boolean().optional() })).optional(),
  baseImage: z.string().optional(),
  dbImage: z.string().optional(),
  interleave: z.boolean(),
  crossCheck: z.boolean(),
  /** synchronous_commit set on the harness's database; undefined: the server's own (on by default). */
  synchronousCommit: z.enum(['on', 'off']).optional(),
  /** Open-loop latency sweep (--rates, --arrival, or the profile's); undefined: closed loop only. */
  openLoop: OpenLoopConfigSchema.optional(),
  /** --baseline: the framework every other is also set against, per column (absent: the fastest only). */
  baseline: z.string().optional(),
  /** How the closed-loop cells were scheduled (docs/schedule.md); undefined in results from before --schedule: restart. */
  schedule: ScheduleSchema.optional(),
  /** side-by-side: the seed of the round order, so the same config and seed measure in the same order. */
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  /** side-by-side: when the rounds stop (config/schedule.ts). */
  stopping: StoppingSchema.optional(),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;

export function utcStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The apps and scenarios that exist. `frameworks` lists base apps and variants; `variantOf` maps
 * each variant to its base (none: every app is a base app). Without --frameworks a run takes the
 * base apps only; `<base>+` selects a base app and its variants (docs/variants.md).
 */
export interface KnownNames {
  frameworks: string[];
  scenarios: string[];
  variantOf?: Record<string, string>;
  /** Scenarios a run takes by default only in some profiles (their `profiles` field); the others go in every profile. */
  scenarioProfiles?: Record<string, readonly ProfileName[]>;
  /** Base apps the quick profile's default leaves out (`"defaultRun": false` in their manifests). */
  outsideQuick?: string[];
}

/**
 * Applies the profile's defaults and checks names against what exists.
 * Pure: the known names and the clock come in as arguments.
 */
export function resolveRunConfig(flags: RunFlags, known: KnownNames, now: Date): RunConfig {
  const parsed = RunFlagsSchema.safeParse(flags);
  if (!parsed.success) throw new BenchError('USAGE', `invalid option ${formatZodError(parsed.error)}`, { hint: 'see crossover run --help' });
  const f = parsed.data;
  const profile = PROFILES[f.profile];
  const frameworks = selectFrameworks(f.frameworks, known.frameworks, known.variantOf ?? {}, { apps: profile.apps, outsideQuick: known.outsideQuick });
  // Without --scenarios, the profile's own: a scenario limited to other profiles (plaintext is not in quick) is left out.
  const scenarios = f.scenarios ?? known.scenarios.filter((name) => known.scenarioProfiles?.[name]?.includes(f.profile) ?? true);
  checkNames('scenario', scenarios, known.scenarios);
  if (f.baseline !== undefined) checkBaseline(f.baseline, frameworks);
  const schedule = resolveSchedule(f, now, profile.stopping);
  return {
    frameworks,
    scenarios,
    ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
    runtime: f.runtime,
    db: f.db,
    profile: f.profile,
    durationS: f.duration ?? profile.durationS,
    warmupS: f.warmup ?? profile.warmupS,
    connections: f.connections ?? [...profile.connections],
    repeat: f.repeat ?? profile.repeat,
    dbLatenciesMs: f.dbLatencies ?? [...profile.slowDbMs],
    extendSweep: f.dbLatencies === undefined,
    boundTiming: f.duration === undefined && f.warmup === undefined && 'boundTiming' in profile ? { ...profile.boundTiming } : undefined,
    dbRttMs: [...new Set(f.dbRtt ?? profile.dbRttMs)],
    appHost: f.appHost,
    connectionCap: f.connectionCap,
    out: f.out ?? `results/${utcStamp(now)}-${f.profile}`,
    python: f.python,
    baseImage: f.baseImage,
    dbImage: f.dbImage,
    interleave: f.interleave,
    crossCheck: f.crossCheck,
    synchronousCommit: f.synchronousCommit,
    openLoop: resolveOpenLoop(f.arrival, f.rates, 'openLoop' in profile ? profile.openLoop : undefined),
    ...schedule,
    windowTiming: schedule.schedule === 'side-by-side' && f.duration === undefined && f.warmup === undefined ? structuredClone(profile.window) : undefined,
  };
}

/** --baseline must name a framework of the run: a usage error (exit 2) before anything starts. */
export function checkBaseline(baseline: string, frameworks: readonly string[]): void {
  if (!frameworks.includes(baseline)) {
    throw new BenchError('USAGE', `--baseline ${baseline} is not a framework of this run`, { hint: `choose one of: ${frameworks.join(', ')}` });
  }
}

function checkNames(what: string, asked: string[], known: string[]): void {
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new BenchError('USAGE', `unknown ${what} '${unknown.join("', '")}'`, { hint: `choose from: ${known.join(', ')}` });
  }
  if (asked.length === 0) throw new BenchError('USAGE', `no ${what} selected`, { hint: `choose from: ${known.join(', ')}` });
}
