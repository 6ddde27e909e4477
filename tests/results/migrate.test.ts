import { describe, expect, it } from 'vitest';
import { analysisRecord, analyze } from '../../harness/analysis/analyze.ts';
import { migrateResults } from '../../harness/results/migrate.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/schema.ts';
import { makeCell, makeResults, sweepResults } from '../support/factories.ts';

/** A version 1 results.json as the tool wrote it: no protocols, no latency, no analysis. */
function v1File(): unknown {
  const r = makeResults([makeCell({ framework: 'fastapi', scenario: 'db', rps: [5000], appCpu: 0.98 })]);
  return JSON.parse(JSON.stringify({ ...r, schemaVersion: 1 }));
}

describe('migrateResults', () => {
  it('upgrades version 1: database ceilings become prepared, nothing else changes', () => {
    const migrated = migrateResults(v1File());
    expect(migrated.schemaVersion).toBe(RESULTS_SCHEMA_VERSION);
    expect(migrated.ceilings).toEqual([
      { kind: 'loadgen', connections: 64, rps: 40_000, cpuMeanUtil: 0.98, note: 'trivial server' },
      { kind: 'database', scenario: 'db', connections: 64, rps: 12_000, note: 'node-postgres', protocol: 'prepared' },
    ]);
    expect(migrated.analysis).toBeUndefined();
    // `report` on an old file: the analysis runs on the migrated results.
    expect(analyze(migrated).cells[0]!.judgedAgainst?.dbCeiling?.id).toBe('database/db/c64/prepared');
  });

  it('reads the current version as it is, analysis included', () => {
    const r = sweepResults();
    const file = JSON.parse(JSON.stringify({ ...r, analysis: analysisRecord(analyze(r)) }));
    expect(migrateResults(file)).toEqual(file);
  });

  it('refuses newer, missing or broken versions, naming the file', () => {
    expect(() => migrateResults({ ...(v1File() as object), schemaVersion: 99 }, 'run/results.json')).toThrow(
      /run\/results.json has schemaVersion 99; this crossover-bench reads up to 2/,
    );
    expect(() => migrateResults({ runId: 'x' })).toThrow(/schemaVersion must be an integer >= 1 \(got undefined\)/);
    expect(() => migrateResults([])).toThrow(/not a JSON object/);
    expect(() => migrateResults({ ...(v1File() as object), cells: 'none' })).toThrow(/fails the results schema \(version 1\): cells/);
  });
});
