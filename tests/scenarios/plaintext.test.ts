import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../harness/analysis/analyze.ts';
import { scenarioNote } from '../../harness/commands/list.ts';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { BenchError } from '../../harness/errors.ts';
import { SCENARIOS_DIR } from '../../harness/paths.ts';
import { planRun } from '../../harness/pipeline/run-plan.ts';
import { pipeliningFactors, planCells } from '../../harness/plan.ts';
import { loadScenarios, type Scenario, scenarioProfiles, usesDatabase } from '../../harness/scenarios/scenario.ts';
import type { ObservedResponse } from '../../harness/verify/checks.ts';
import { checkPlaintext } from '../../harness/verify/plaintext.ts';
import { makeCell, makeConfig, makeResults, makeScenarios } from '../support/factories.ts';

const response = (body: string, type = 'text/plain; charset=utf-8'): ObservedResponse => ({
  status: 200,
  headers: { server: 's', date: 'd', 'content-type': type, 'content-length': String(body.length) },
  body,
  elapsedMs: 1,
});

const PLAINTEXT: Scenario = { name: 'plaintext', description: 'p', kind: 'plaintext', path: '/plaintext', pipelining: 16, profiles: ['standard', 'full'] };

describe('plaintext verification', () => {
  it('passes Hello, World! as text/plain with or without a UTF-8 charset', () => {
    expect(checkPlaintext(response('Hello, World!'))).toEqual([]);
    expect(checkPlaintext(response('Hello, World!', 'text/plain'))).toEqual([]);
  });

  it('fails the wrong content type, another charset, or another body', () => {
    expect(checkPlaintext(response('Hello, World!', 'text/html; charset=utf-8'))).toEqual([
      "Content-Type is 'text/html; charset=utf-8', expected text/plain (charset utf-8 or none)",
    ]);
    expect(checkPlaintext(response('Hello, World!', 'text/plain; charset=iso-8859-1'))).toHaveLength(1);
    expect(checkPlaintext(response('{"message":"Hello, World!"}', 'application/json'))).toHaveLength(2);
    expect(checkPlaintext(response('hello, world!\n'))).toEqual(['body is "hello, world!\\n", expected "Hello, World!"']);
  });
});

describe('the scenario file: profiles and pipelining', () => {
  it('ships plaintext pipelined 16-deep, in the standard and full profiles only', async () => {
    const scenarios = await loadScenarios(SCENARIOS_DIR);
    expect(scenarios.find((s) => s.name === 'plaintext')).toMatchObject({ kind: 'plaintext', pipelining: 16, profiles: ['standard', 'full'] });
    expect(scenarioProfiles(scenarios)).toMatchObject({ plaintext: ['standard', 'full'] });
    // No database: the kinds that get no database ceiling, round trip or connection count.
    expect(['plaintext', 'json', 'db', 'fortunes', 'queries', 'slow-db'].filter((k) => usesDatabase(k as Scenario['kind']))).toEqual([
      'db',
      'fortunes',
      'queries',
      'slow-db',
    ]);
  });

  it('rejects an unknown profile name and a pipelining below 1', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-scenarios-'));
    try {
      await writeFile(path.join(dir, 'p.json'), JSON.stringify({ ...PLAINTEXT, name: 'p', profiles: ['nightly'] }));
      await expect(loadScenarios(dir)).rejects.toThrow(BenchError);
      await writeFile(path.join(dir, 'p.json'), JSON.stringify({ ...PLAINTEXT, name: 'p', pipelining: 0 }));
      await expect(loadScenarios(dir)).rejects.toThrow(/pipelining/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a scenario out of the profiles it does not name, unless --scenarios names it', () => {
    const known = { frameworks: ['flask'], scenarios: ['plaintext', 'json', 'db'], scenarioProfiles: { plaintext: ['standard', 'full'] as const } };
    const now = new Date('2026-12-07T00:00:00Z');
    expect(resolveRunConfig({ profile: 'quick' }, known, now).scenarios).toEqual(['json', 'db']);
    expect(resolveRunConfig({ profile: 'standard' }, known, now).scenarios).toEqual(['plaintext', 'json', 'db']);
    expect(resolveRunConfig({ profile: 'full' }, known, now).scenarios).toEqual(['plaintext', 'json', 'db']);
    expect(resolveRunConfig({ profile: 'quick', scenarios: 'plaintext' }, known, now).scenarios).toEqual(['plaintext']);
    // Without the map (older callers), every scenario goes in every profile.
    expect(resolveRunConfig({ profile: 'quick' }, { frameworks: ['flask'], scenarios: ['plaintext', 'json'] }, now).scenarios).toEqual(['plaintext', 'json']);
  });

  it('says in `crossover list` which profiles take a scenario and how deep it pipelines', () => {
    expect(scenarioNote(PLAINTEXT)).toBe(' [profiles standard, full (others: only when --scenarios names it); pipelining 16]');
    expect(scenarioNote({ name: 'json', description: 'd', kind: 'json', path: '/json' })).toBe('');
    expect(scenarioNote({ name: 'h', description: 'd', kind: 'hot-rows', path: '/hot-rows?k={k}', k: 10, sweep: [100, 1] })).toBe(' [sweeps k 100/1]');
  });
});

describe('planning plaintext', () => {
  const scenarios = [...makeScenarios(), PLAINTEXT];

  it('carries the pipelining factor on its cells, and on no other', () => {
    const cells = planCells(makeConfig({ scenarios: ['plaintext', 'json', 'db'] }), scenarios, 'flask');
    expect(cells.map((c) => [c.id, c.pipelining])).toEqual([
      ['flask/plaintext/c64', 16],
      ['flask/json/c64', undefined],
      ['flask/db/c64', undefined],
    ]);
    expect(pipeliningFactors(cells)).toEqual([16]);
    expect(pipeliningFactors(cells.filter((c) => c.kind !== 'plaintext'))).toEqual([]);
  });

  it('gets no database ceiling, and is measured once across round trips like json', () => {
    const config = makeConfig({ scenarios: ['plaintext', 'db'], dbRttMs: [0, 2] });
    const plan = planRun(config, scenarios);
    expect(plan.dbCeilingShapes.map((s) => s.kind)).toEqual(['db', 'db']);
    expect(plan.cells.filter((c) => c.kind === 'plaintext').map((c) => c.id)).toEqual(['flask/plaintext/c64', 'fastapi/plaintext/c64']);
  });
});

describe('analysing plaintext against the load generator ceiling of the same pipelining', () => {
  it('labels a plaintext cell near the pipelined ceiling as the load generator, and judges json against the plain one', () => {
    const plaintext = { ...makeCell({ framework: 'fastapi', scenario: 'plaintext', rps: [90_000], appCpu: 0.6, loadgenCpu: 0.7 }), pipelining: 16 };
    const json = makeCell({ framework: 'fastapi', scenario: 'json', rps: [9_000], appCpu: 0.97, loadgenCpu: 0.3 });
    const results = makeResults([plaintext, json], {
      ceilings: [
        { kind: 'loadgen', connections: 64, rps: 40_000, note: 'trivial server' },
        { kind: 'loadgen', connections: 64, pipelining: 16, rps: 100_000, note: 'trivial server' },
      ],
    });
    const cells = analyze(results).cells;
    const p = cells.find((c) => c.scenario === 'plaintext')!;
    expect(p.judgedAgainst?.loadgenCeiling).toEqual({ id: 'loadgen/c64/p16', rps: 100_000 });
    expect(p.attribution?.labels).toEqual(['load generator']);
    expect(p.attribution?.flagged).toBe(true);
    const j = cells.find((c) => c.scenario === 'json')!;
    expect(j.judgedAgainst?.loadgenCeiling).toEqual({ id: 'loadgen/c64', rps: 40_000 });
    expect(j.attribution?.labels).toEqual(['framework']);
  });
});
