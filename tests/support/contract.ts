import { expect } from 'vitest';
import type { Results } from '../../harness/results/schema.ts';

/** The quick profile's scenario kinds, each app measured once in every one (plaintext is not in quick). */
export const QUICK_KINDS = ['json', 'db', 'fortunes', 'queries', 'updates', 'slow-db'] as const;

/**
 * A short run of `apps` held the app contract in every cell: each cell verified and measured
 * without errors, at most the cap of 10 connections under load and seen under the app's own
 * name, and slow-db at 10 ms no faster than Little's law allows (10 connections / 10 ms).
 */
export function expectContractHeld(results: Results, apps: readonly string[]): void {
  const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.reason} ${c.failure?.logLines.join(' | ')}`);
  expect(failures).toEqual([]);
  expect(results.cells.map((c) => `${c.framework}/${c.kind}`).sort()).toEqual(apps.flatMap((a) => QUICK_KINDS.map((k) => `${a}/${k}`)).sort());
  for (const cell of results.cells) {
    // Headers, bodies, one query per row, rows read, the cap under a burst, pg_sleep in the row's statement.
    expect(cell.verification?.problems, cell.id).toEqual([]);
    const m = cell.repeats[0]!.measurement;
    expect(m.rps, cell.id).toBeGreaterThan(0);
    expect(m.errors + m.non2xx + m.timeouts, cell.id).toBe(0);
    // The worker rule held under load, and the connections were seen under the app's own name.
    if (cell.kind !== 'json') {
      expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeLessThanOrEqual(10);
      expect(cell.repeats[0]!.resources?.dbConnections?.peak, cell.id).toBeGreaterThan(0);
    }
  }
  for (const cell of results.cells.filter((c) => c.kind === 'slow-db')) expect(cell.repeats[0]!.measurement.rps, cell.id).toBeLessThan(1000 * 1.02);
}
