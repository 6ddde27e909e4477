/**
 * Every connection the harness opens to a database carries an `application_name` of this
 * family, so pg_stat_activity tells it from the app's: the connection count of verification
 * and of every database cell leaves the family out (docs/fairness.md). An app under test never
 * sets one of these names; the apps in apps/ set none at all.
 */
export const HARNESS_APPLICATION_PREFIX = 'crossover-bench-';

/** Why the harness holds a connection: each place that opens one has a role of its own, so a leftover names its source. */
export type HarnessConnectionRole = 'probe' | 'health' | 'seed' | 'setup' | 'ready' | 'rtt' | 'ceiling';

/** Pure: `crossover-bench-<role>`. */
export function harnessApplicationName(role: HarnessConnectionRole): string {
  return `${HARNESS_APPLICATION_PREFIX}${role}`;
}

/** Pure: whether pg_stat_activity's `application_name` is one of the harness's. */
export function isHarnessApplicationName(name: string | null | undefined): boolean {
  return (name ?? '').startsWith(HARNESS_APPLICATION_PREFIX);
}

/**
 * SQL condition, true for a pg_stat_activity row that is not the harness's. LIKE, not
 * starts_with(): that needs PostgreSQL 11, and a --db URL may name an older server. The
 * prefix holds no `_` or `%`, so LIKE matches it literally.
 */
export const NOT_HARNESS_CONNECTION_SQL = `coalesce(application_name, '') NOT LIKE '${HARNESS_APPLICATION_PREFIX}%'`;

/**
 * Pure: `url` with `application_name=crossover-bench-<role>`, replacing one the URL already
 * names. Set in the URL rather than as a client option, because node-postgres lets a
 * connection string's parameter win over its options, and libpq (pgbench) reads it from the
 * URL the same way. It is sent in the startup packet, so it also arrives through the
 * --db-rtt delay proxy, which passes bytes on unchanged.
 */
export function harnessConnectionString(url: string, role: HarnessConnectionRole): string {
  const u = new URL(url);
  u.searchParams.set('application_name', harnessApplicationName(role));
  return u.toString();
}
