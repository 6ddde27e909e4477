import http from 'node:http';
import type { CellPlan } from '../plan.ts';
import { usesDatabase } from '../scenarios/scenario.ts';
import { verifyBigResult } from './big-result.ts';
import { burst } from './burst.ts';
import { checkHeaders, checkJsonBody, checkRowBody, checkRowsBody, QUERIES_CLAMP_CASES } from './checks.ts';
import { type ConnectionSampler, connectionCapProblems, unnamedConnectionsProblem } from './connections.ts';
import { verifyDbCpu } from './db-cpu.ts';
import { verifyFortunes } from './fortunes.ts';
import { HOT_ROWS_BURST_DEFAULT, verifyHotRows } from './hot-rows.ts';
import { fetchOnce } from './http.ts';
import { checkPlaintext } from './plaintext.ts';
import type { SweptProbes } from './swept-probes.ts';
import { type UpdateProbes, verifyUpdates } from './updates.ts';

export { fetchOnce };

export interface VerificationResult {
  ok: boolean;
  /** What was checked, for the results file. */
  checked: string[];
  problems: string[];
}

/** Statements on `world` so far: how many ran and how many rows they returned. */
export interface StatementTotals {
  calls: number;
  rows: number;
  /** Milliseconds the server spent executing them (pg_stat_statements total_exec_time), where it was read. */
  execMs?: number;
}

/** Questions verification asks the database directly (see probes.ts databaseProbes). */
export interface DatabaseProbes {
  /** Is a statement with pg_sleep on `world` running right now? */
  sleeping: () => Promise<boolean>;
  /** Statements on `world` so far (pg_stat_statements, the harness's own left out), when the server tracks them. */
  worldStatements?: (() => Promise<StatementTotals>) | undefined;
  /** The same for statements on `fortune` (fortunes.ts). */
  fortuneStatements?: (() => Promise<StatementTotals>) | undefined;
  /** Starts counting the app's database connections (pg_stat_activity), those named `appConnectionName` when given. */
  connections?: ((intervalMs: number, appConnectionName?: string) => ConnectionSampler) | undefined;
  /** What the updates check reads back (verify/updates.ts). */
  updates?: UpdateProbes | undefined;
  /** What the db-cpu, big-result and hot-rows checks read (verify/swept-probes.ts). */
  swept?: SweptProbes | undefined;
}

export interface VerifyOptions {
  /**
   * The app's database connection cap (workers x pool size). When given with a
   * `connections` probe, db cells are also verified under a burst of concurrent requests.
   */
  connectionCap?: number | undefined;
  /**
   * Checks of the app's behaviour rather than of one endpoint (the connection burst, the
   * pg_sleep probe) that already passed on this start of the app, keyed by base URL and check.
   * They run once per start: a new start gets a new port, so a new key. Pass the same set for
   * every cell of a run; they are added here when they pass.
   */
  passedOnce?: Set<string> | undefined;
  /** The application_name the app's connections carry (runtime/types.ts appConnectionName): only those are counted. */
  appConnectionName?: string | undefined;
}

/** The slow-db proof request: long enough to be caught in pg_stat_activity. */
const PROBE_SLEEP_MS = 400;
/**
 * pg_stat_activity is read this often while the proof request runs, until it shows the sleep or
 * the request ends. One read at half the sleep missed it once on a slowed machine (a standard run
 * of 2026-11-21 failed Flask's slow-db cell), where the app took longer to reach the database.
 */
const PROBE_POLL_MS = 25;

/**
 * Verifies one cell's endpoint before it is measured, following TechEmpower's rules for the
 * test type. Requests go over a keep-alive agent, as the load generator's do.
 */
export async function verifyCell(
  baseUrl: string,
  cell: Pick<CellPlan, 'kind' | 'path' | 'queries' | 'dbLatencyMs'>,
  probes?: DatabaseProbes,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const checked: string[] = [];
  const problems: string[] = [];
  const get = async (path: string) => {
    try {
      return await fetchOnce(baseUrl, path, agent);
    } catch (error) {
      problems.push(`GET ${path} failed: ${(error as Error).message}`);
      return undefined;
    }
  };
  const expect = (path: string, found: string[]) => {
    checked.push(path);
    problems.push(...found.map((p) => `GET ${path}: ${p}`));
  };
  const before = await probes?.worldStatements?.();
  /** Rows the requests below returned: each must have come from a query of its own. */
  let rowsServed = 0;
  try {
    switch (cell.kind) {
      case 'json': {
        const res = await get(cell.path);
        if (res) expect(cell.path, [...checkHeaders(res), ...checkJsonBody(res.body)]);
        break;
      }
      case 'db': {
        const ids = new Set<number>();
        for (let i = 0; i < 10; i++) {
          const res = await get(cell.path);
          if (!res) break;
          const found = [...checkHeaders(res), ...checkRowBody(res.body)];
          if (found.length > 0) {
            expect(cell.path, found);
            break;
          }
          ids.add((JSON.parse(res.body) as { id: number }).id);
          rowsServed++;
        }
        checked.push(`${cell.path} x10 random ids`);
        if (problems.length === 0 && ids.size < 2) problems.push(`GET ${cell.path}: 10 requests returned the same id ${[...ids][0]}; rows must be random`);
        break;
      }
      case 'plaintext': {
        const res = await get(cell.path);
        if (res) expect(cell.path, checkPlaintext(res));
        break;
      }
      case 'fortunes':
        await verifyFortunes(get, cell.path, probes?.fortuneStatements, expect, checked, problems);
        break;
      case 'queries': {
        const res = await get(cell.path);
        if (res) expect(cell.path, [...checkHeaders(res), ...checkRowsBody(res.body, cell.queries ?? 1)]);
        rowsServed += cell.queries ?? 1;
        const route = cell.path.split('?')[0]!;
        for (const c of QUERIES_CLAMP_CASES) {
          const r = await get(`${route}${c.query}`);
          if (r) expect(`${route}${c.query}`, [...checkHeaders(r), ...checkRowsBody(r.body, c.expected)]);
          rowsServed += c.expected;
        }
        break;
      }
      case 'updates':
        await verifyUpdates({ get, expect, checked, problems }, cell, probes?.updates);
        break;
      case 'db-cpu':
        await verifyDbCpu({ get, expect, checked, problems }, cell.path, probes?.swept);
        break;
      case 'big-result':
        await verifyBigResult({ get, expect, checked, problems }, cell.path, probes);
        break;
      case 'hot-rows': {
        const concurrency = options.connectionCap !== undefined ? BURST_CONNECTIONS_PER_CAP * options.connectionCap : HOT_ROWS_BURST_DEFAULT;
        // The burst on k=3 is the app's behaviour, whatever the cell's k: once per start, as the connection burst.
        const burstKey = `${baseUrl} hot-rows burst`;
        const burstPassed = options.passedOnce?.has(burstKey) ?? false;
        await verifyHotRows({ get, expect, checked, problems }, baseUrl, cell.path, probes?.swept, concurrency, burstPassed);
        if (burstPassed) checked.push('hot-rows increments under a concurrent burst: checked earlier on this start of the app');
        else if (problems.length === 0) options.passedOnce?.add(burstKey);
        break;
      }
      case 'slow-db': {
        const res = await get(cell.path);
        if (res) {
          const latency = cell.dbLatencyMs ?? 0;
          const tooFast = res.elapsedMs < latency ? [`answered in ${res.elapsedMs.toFixed(1)} ms, faster than the ${latency} ms database wait`] : [];
          expect(cell.path, [...checkHeaders(res), ...checkRowBody(res.body), ...tooFast]);
        }
        const sleepKey = `${baseUrl} pg_sleep probe`;
        if (probes && options.passedOnce?.has(sleepKey)) {
          checked.push('the wait happens in PostgreSQL: checked earlier on this start of the app');
        } else if (probes) {
          const route = cell.path.split('?')[0]!;
          const pending = get(`${route}?ms=${PROBE_SLEEP_MS}`);
          let answered = false;
          void pending.then(
            () => (answered = true),
            () => (answered = true),
          );
          let sleeping = false;
          while (!sleeping && !answered) {
            await new Promise((r) => setTimeout(r, PROBE_POLL_MS));
            if (!answered) sleeping = await probes.sleeping();
          }
          const probeRes = await pending;
          checked.push(`${route}?ms=${PROBE_SLEEP_MS} waits in PostgreSQL (pg_stat_activity)`);
          if (!sleeping)
            problems.push(
              `GET ${route}?ms=${PROBE_SLEEP_MS}: no active pg_sleep on world seen in pg_stat_activity while it ran; the wait must happen in the database, in the row's query`,
            );
          if (probeRes && probeRes.elapsedMs < PROBE_SLEEP_MS)
            problems.push(`GET ${route}?ms=${PROBE_SLEEP_MS}: answered in ${probeRes.elapsedMs.toFixed(0)} ms`);
          if (problems.length === 0) options.passedOnce?.add(sleepKey);
        }
        break;
      }
    }
    if (before !== undefined && rowsServed > 0 && problems.length === 0) {
      problems.push(...(await checkStatements(probes!.worldStatements!, before, rowsServed, checked)));
    }
    const burstKey = `${baseUrl} connection burst`;
    if (usesDatabase(cell.kind) && options.connectionCap !== undefined && probes?.connections && problems.length === 0) {
      if (options.passedOnce?.has(burstKey)) {
        checked.push('the connection cap under a concurrent burst: checked earlier on this start of the app (and counted during every database cell)');
      } else {
        const found = await checkConnectionsUnderBurst(baseUrl, cell.path, probes.connections, { ...options, connectionCap: options.connectionCap }, checked);
        problems.push(...found);
        if (found.length === 0) options.passedOnce?.add(burstKey);
      }
    }
  } finally {
    agent.destroy();
  }
  return { ok: problems.length === 0, checked, problems };
}

/**
 * TechEmpower counts queries and rows: a row served from a cache or a batched
 * `id = ANY(...)` is not a query of its own, and a query that reads nothing (LIMIT 0, a
 * row fetched once and repeated) is not a row read.
 */
async function checkStatements(
  worldStatements: () => Promise<StatementTotals>,
  before: StatementTotals,
  rowsServed: number,
  checked: string[],
): Promise<string[]> {
  const after = await worldStatements();
  const ran = after.calls - before.calls;
  const read = after.rows - before.rows;
  checked.push(`${rowsServed} rows came from at least ${rowsServed} queries on world reading at least ${rowsServed} rows (pg_stat_statements)`);
  if (ran < rowsServed) return [`${rowsServed} rows were served but the database ran only ${ran} queries on world; each row must come from a query of its own`];
  if (read < rowsServed) {
    return [
      `${rowsServed} rows were served from ${ran} queries on world, but those queries read only ${read} rows; each row served must be a row read from the database`,
    ];
  }
  return [];
}

/** Twice the cap: enough requests to take every connection the app allows, and more if it opens them on demand. */
const BURST_CONNECTIONS_PER_CAP = 2;
/** Long enough for a pool that grows on demand to grow, short enough to run on every start of an app. */
const BURST_DURATION_MS = 1000;
/** About 40 samples over the burst; one pg_stat_activity count costs well under a millisecond. */
const BURST_SAMPLE_INTERVAL_MS = 25;

/** The worker rule proven rather than asserted: under concurrency the app holds at most its connection cap. */
async function checkConnectionsUnderBurst(
  baseUrl: string,
  path: string,
  connections: NonNullable<DatabaseProbes['connections']>,
  options: VerifyOptions & { connectionCap: number },
  checked: string[],
): Promise<string[]> {
  const { connectionCap, appConnectionName } = options;
  const concurrency = BURST_CONNECTIONS_PER_CAP * connectionCap;
  const sampler = connections(BURST_SAMPLE_INTERVAL_MS, appConnectionName);
  // burst() never throws (failed requests are counted), so the sampler always stops here.
  const outcome = await burst(baseUrl, path, concurrency, BURST_DURATION_MS);
  const counts = await sampler.stop();
  const during = `under ${concurrency} concurrent requests to ${path} for ${BURST_DURATION_MS / 1000} s`;
  const named = appConnectionName ? ` named ${appConnectionName}` : '';
  checked.push(`${during}: at most ${counts.peak} database connections${named}, cap ${connectionCap} (pg_stat_activity, ${counts.samples} samples)`);
  const problems = connectionCapProblems(counts, connectionCap, during);
  if (outcome.ok > 0) problems.push(...unnamedConnectionsProblem(counts, appConnectionName, during));
  if (outcome.ok === 0) problems.push(`${during} no request succeeded (${outcome.failures} failed: ${outcome.firstFailure ?? 'no answer'})`);
  return problems;
}
