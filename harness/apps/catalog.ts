import { BenchError } from '../errors.ts';

/**
 * Base apps and their variants (docs/variants.md). A variant is an app folder of its own whose
 * manifest names its base in `variantOf`. Pure: the entries come from the manifests.
 */
export interface CatalogEntry {
  name: string;
  variantOf?: string | undefined;
  /** false: a base app the quick run leaves out (its manifest's `defaultRun`). */
  defaultRun?: boolean | undefined;
}

/**
 * Which apps a run takes without --frameworks: `quick`, every base app but those in
 * `outsideQuick` (the default run's six); `all`, every app, variants included (the standard and
 * full profiles).
 */
export interface DefaultApps {
  apps: 'quick' | 'all';
  outsideQuick?: readonly string[] | undefined;
}

/** The base apps whose manifest says `"defaultRun": false`: the quick run leaves them out. */
export function outsideQuickRun(entries: readonly CatalogEntry[]): string[] {
  return entries.filter((e) => e.variantOf === undefined && e.defaultRun === false).map((e) => e.name);
}

/** variant name -> base name; refuses a variant of an unknown app, of a variant, or of itself. */
export function variantMap(entries: readonly CatalogEntry[]): Record<string, string> {
  const names = new Set(entries.map((e) => e.name));
  const map: Record<string, string> = {};
  for (const e of entries) {
    if (e.variantOf === undefined) continue;
    const base = entries.find((b) => b.name === e.variantOf);
    if (e.variantOf === e.name || !names.has(e.variantOf) || base?.variantOf !== undefined) {
      throw new BenchError('CONFIG', `app '${e.name}': variantOf '${e.variantOf}' must name a base app (one without variantOf)`, {
        hint: `base apps: ${entries
          .filter((b) => b.variantOf === undefined)
          .map((b) => b.name)
          .join(', ')}`,
      });
    }
    map[e.name] = e.variantOf;
  }
  return map;
}

/** Every base app (one without variantOf), in catalog order. */
export function baseApps(names: readonly string[], variantOf: Readonly<Record<string, string>>): string[] {
  return names.filter((n) => variantOf[n] === undefined);
}

/**
 * The apps a run takes when --frameworks is not given: with `quick` (the default), every base
 * app but those outside the quick run, no variant; with `all`, every app in catalog order.
 */
export function defaultFrameworks(names: readonly string[], variantOf: Readonly<Record<string, string>>, defaults: DefaultApps = { apps: 'quick' }): string[] {
  if (defaults.apps === 'all') return [...names];
  const outside = new Set(defaults.outsideQuick ?? []);
  return baseApps(names, variantOf).filter((n) => !outside.has(n));
}

/** The variants of `base`, in catalog order. */
export function variantsOf(base: string, names: readonly string[], variantOf: Readonly<Record<string, string>>): string[] {
  return names.filter((n) => variantOf[n] === base);
}

/**
 * --frameworks: names of apps (base or variant), and `<base>+` for a base app and all its
 * variants. Duplicates are dropped, the first mention keeping its place. Undefined: the default.
 */
export function selectFrameworks(
  asked: readonly string[] | undefined,
  names: readonly string[],
  variantOf: Readonly<Record<string, string>>,
  defaults: DefaultApps = { apps: 'quick' },
): string[] {
  if (asked === undefined) return defaultFrameworks(names, variantOf, defaults);
  const hint = `choose from: ${choices(names, variantOf)}`;
  const chosen: string[] = [];
  const unknown: string[] = [];
  for (const item of asked) {
    const group = item.endsWith('+') ? item.slice(0, -1) : undefined;
    if (group !== undefined) {
      if (!names.includes(group) || variantOf[group] !== undefined) {
        throw new BenchError('USAGE', `'${item}': '+' follows a base app, for it and all its variants`, { hint });
      }
      chosen.push(group, ...variantsOf(group, names, variantOf));
    } else if (names.includes(item)) chosen.push(item);
    else unknown.push(item);
  }
  if (unknown.length > 0) throw new BenchError('USAGE', `unknown framework '${unknown.join("', '")}'`, { hint });
  if (chosen.length === 0) throw new BenchError('USAGE', 'no framework selected', { hint });
  return [...new Set(chosen)];
}

/** `django, ..., fastapi (+ fastapi-sqlalchemy), ...`: the names --frameworks takes. */
function choices(names: readonly string[], variantOf: Readonly<Record<string, string>>): string {
  return baseApps(names, variantOf)
    .map((base) => {
      const variants = variantsOf(base, names, variantOf);
      return variants.length === 0 ? base : `${base} (variants: ${variants.join(', ')}; all: ${base}+)`;
    })
    .join(', ');
}

/** Each base app followed by its variants: the order of `crossover list`. */
export function groupedByBase(names: readonly string[], variantOf: Readonly<Record<string, string>>): { name: string; base?: string }[] {
  return baseApps(names, variantOf).flatMap((base) => [{ name: base }, ...variantsOf(base, names, variantOf).map((name) => ({ name, base }))]);
}
