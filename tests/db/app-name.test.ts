import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import {
  HARNESS_APPLICATION_PREFIX,
  type HarnessConnectionRole,
  harnessApplicationName,
  harnessConnectionString,
  isHarnessApplicationName,
  NOT_HARNESS_CONNECTION_SQL,
} from '../../harness/db/app-name.ts';
import { withHostPort } from '../../harness/db/rtt-path.ts';
import { REPO_ROOT } from '../../harness/paths.ts';
import { COUNT_SQL } from '../../harness/verify/connections.ts';

const ROLES: HarnessConnectionRole[] = ['probe', 'health', 'seed', 'setup', 'ready', 'rtt', 'ceiling'];

describe("the harness's application_name family", () => {
  it('names every role under one prefix, and nothing an app would send', () => {
    for (const role of ROLES) {
      expect(harnessApplicationName(role)).toBe(`crossover-bench-${role}`);
      expect(isHarnessApplicationName(harnessApplicationName(role))).toBe(true);
    }
    // What the apps' drivers send (psycopg and asyncpg send none, Django none unless configured), and near misses.
    for (const name of ['', null, undefined, 'psycopg', 'gunicorn', 'crossover-bench', 'my-crossover-bench-probe', 'Crossover-Bench-probe']) {
      expect(isHarnessApplicationName(name), String(name)).toBe(false);
    }
  });

  it('is matched literally by LIKE in the count: the prefix holds no wildcard or escape', () => {
    expect(HARNESS_APPLICATION_PREFIX).not.toMatch(/[%_\\']/);
    expect(NOT_HARNESS_CONNECTION_SQL).toBe(`coalesce(application_name, '') NOT LIKE '${HARNESS_APPLICATION_PREFIX}%'`);
    // The connection count of verification and of every database cell leaves the family out.
    expect(COUNT_SQL).toContain(NOT_HARNESS_CONNECTION_SQL);
  });
});

describe('harnessConnectionString', () => {
  const url = 'postgres://bench:p%40ss%3Aw%2Fd@127.0.0.1:25432/fresh_db?sslmode=disable';

  it("adds the role's name and keeps user, password, host, port, database and other parameters, as node-postgres reads them", () => {
    const parsed = parse(harnessConnectionString(url, 'health'));
    expect(parsed).toMatchObject({
      user: 'bench',
      password: 'p@ss:w/d',
      host: '127.0.0.1',
      port: '25432',
      database: 'fresh_db',
      sslmode: 'disable',
      application_name: 'crossover-bench-health',
    });
  });

  it('replaces an application_name the URL already names: the URL wins over client options, so it must be the harness name', () => {
    const named = harnessConnectionString(`${url}&application_name=team-app`, 'seed');
    expect(new URL(named).searchParams.getAll('application_name')).toEqual(['crossover-bench-seed']);
    expect(parse(named).application_name).toBe('crossover-bench-seed');
  });

  it('survives the move to a --db-rtt proxy port (the apps get the moved URL without the name)', () => {
    const moved = withHostPort(harnessConnectionString(url, 'rtt'), '127.0.0.1', 26000);
    expect(parse(moved)).toMatchObject({ port: '26000', application_name: 'crossover-bench-rtt' });
  });
});

/** Every .ts file under harness/, with its path relative to the repository. */
function harnessSources(dir = path.join(REPO_ROOT, 'harness')): Array<{ file: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return harnessSources(full);
    return e.name.endsWith('.ts') ? [{ file: path.relative(REPO_ROOT, full), text: readFileSync(full, 'utf8') }] : [];
  });
}

/** The argument text of each `new pg.Client(...)` / `new pg.Pool(...)`, up to its closing parenthesis. */
function connectionCalls(text: string): string[] {
  const calls: string[] = [];
  for (const m of text.matchAll(/new pg\.(Client|Pool)\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    while (depth > 0 && i < text.length) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      i++;
    }
    calls.push(text.slice(m.index, i));
  }
  return calls;
}

describe('every place in harness/ that opens a database connection', () => {
  const sources = harnessSources();

  it('names it as the harness', () => {
    const opened = sources.flatMap(({ file, text }) => connectionCalls(text).map((call) => ({ file, call })));
    // health watch, seeding, docker readiness, embedded setup, round trips, probes, the sampler, the node-postgres ceiling.
    expect(new Set(opened.map((o) => o.file)).size).toBeGreaterThanOrEqual(8);
    const unnamed = opened.filter((o) => !/harnessConnectionString\(|application_name: harnessApplicationName\(/.test(o.call));
    expect(unnamed).toEqual([]);
  });

  it('uses no other client: pgbench gets the name in its URL (tests/ceilings/pgbench.test.ts), and a client added later must be named too', () => {
    const other = sources.filter(({ text }) => /from 'postgres'|['"]psql['"]|import \{[^}]*\b(Client|Pool)\b[^}]*\} from 'pg'/.test(text)).map((s) => s.file);
    expect(other).toEqual([]);
  });
});
