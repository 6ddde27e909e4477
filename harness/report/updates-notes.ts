import type { Results } from '../results/schema.ts';

/**
 * The updates footnote: what a commit costs on this database and under which setting, since
 * updates cells wait on commits (docs/updates.md). Empty for runs without updates cells.
 */
export function updatesNotes(results: Pick<Results, 'cells' | 'commitLatency' | 'config'>): string[] {
  if (!results.cells.some((c) => c.kind === 'updates')) return [];
  const c = results.commitLatency;
  const cap = results.config.connectionCap;
  // Little's law: a connection held for at least one commit serves at most 1000 / latency requests a second.
  const bound =
    c && c.msPerCommit > 0
      ? ` Little's law: ${cap} connections, each held for at least one commit, serve at most ${Math.round((cap * 1000) / c.msPerCommit).toLocaleString('en-US')} updates requests/s from the commits alone (concurrent commits can share a flush, so this bound is conservative).`
      : '';
  const measured = c
    ? `${c.msPerCommit.toFixed(2)} ms per commit (${c.tool}, ${c.clients} client, single-row UPDATE transactions for ${c.durationS} s: ${c.commitsPerS.toFixed(0)} commits/s), synchronous_commit=${c.synchronousCommit}${c.walLevel ? `, wal_level=${c.walLevel}` : ''}`
    : 'not measured (no pgbench)';
  return [
    `Updates: each request commits its writes; the database's commit latency: ${measured}. TechEmpower's PostgreSQL ran synchronous_commit=off with wal_level=minimal, where a commit does not wait for its WAL flush; on a slower disk the updates cells, and the crossover, move.${bound}`,
  ];
}
