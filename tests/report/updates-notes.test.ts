import { describe, expect, it } from 'vitest';
import { footnote } from '../../harness/report/tables.ts';
import { updatesNotes } from '../../harness/report/updates-notes.ts';
import { ResultsSchema } from '../../harness/results/schema.ts';
import { makeCell, makeResults } from '../support/factories.ts';

const commitLatency = {
  msPerCommit: 1.234,
  commitsPerS: 810.4,
  clients: 1,
  durationS: 3,
  synchronousCommit: 'on',
  walLevel: 'replica',
  tool: 'pgbench' as const,
};

describe('the updates footnote', () => {
  it("prints the measured commit latency and the setting beside updates cells, and TechEmpower's setting", () => {
    const results = makeResults([makeCell({ framework: 'flask', scenario: 'updates', rps: [900] })], { commitLatency });
    const [line] = updatesNotes(results);
    expect(line).toContain(
      "the database's commit latency: 1.23 ms per commit (pgbench, 1 client, single-row UPDATE transactions for 3 s: 810 commits/s), synchronous_commit=on, wal_level=replica",
    );
    expect(line).toContain('TechEmpower');
    expect(footnote(results)).toContain(line);
  });

  it('says so when the latency was not measured, and is absent from runs without updates cells', () => {
    const without = makeResults([makeCell({ framework: 'flask', scenario: 'updates', rps: [900] })]);
    expect(updatesNotes(without)[0]).toContain('not measured (no pgbench)');
    expect(updatesNotes(makeResults([makeCell({ framework: 'flask', scenario: 'db', rps: [900] })], { commitLatency }))).toEqual([]);
  });

  it('is part of the results schema, and older results without it still read', () => {
    const results = makeResults([makeCell({ framework: 'flask', scenario: 'updates', rps: [900] })], { commitLatency });
    expect(ResultsSchema.parse(JSON.parse(JSON.stringify(results))).commitLatency).toEqual(commitLatency);
    const { commitLatency: _, ...older } = results;
    expect(ResultsSchema.parse(JSON.parse(JSON.stringify(older))).commitLatency).toBeUndefined();
  });
});
