import { BenchError } from '../errors.ts';

/**
 * Base apps and their variants (docs/variants.md). A variant is an app folder of its own whose
 * manifest names its base in `variantOf`. Pure: the entries come from the manifests.
 */
export interface CatalogEntry {
  name: string;
  variantOf?: string | undefined;
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

/** The apps a run takes when --frameworks is not given: every base app, no variant. */
export function defaultFrameworks(names: readonly string[], variantOf: Readonly<Record<string, string>>): string[] {
  return names.filter((n) => variantOf[n] === undefined);
}

/** The variants of `base`, in catalog order. */
export function variantsOf(base: string, names: readonly string[], variantOf: Readonly<Record<string, string>>): string[] {
  return names.filter((n) => variantOf[n] === base);
}

/**
 * --frameworks: names of apps (base or variant), and `<base>+` for a base app and all its
 * variants. Duplicates are dropped, the first mention keeping its place. Undefined: the default.
 */
export function selectFrameworks(asked: readonly string[] | undefined, names: readonly string[], variantOf: Readonly<Record<string, string>>): string[] {
  if (asked === undefined) return defaultFrameworks(names, variantOf);
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
  return defaultFrameworks(names, variantOf)
    .map((base) => {
      const variants = variantsOf(base, names, variantOf);
      return variants.length === 0 ? base : `${base} (variants: ${variants.join(', ')}; all: ${base}+)`;
    })
    .join(', ');
}

/** Each base app followed by its variants: the order of `crossover list`. */
export function groupedByBase(names: readonly string[], variantOf: Readonly<Record<string, string>>): { name: string; base?: string }[] {
  return defaultFrameworks(names, variantOf).flatMap((base) => [{ name: base }, ...variantsOf(base, names, variantOf).map((name) => ({ name, base }))]);
}
