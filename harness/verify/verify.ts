import http from 'node:http';
import type { CellPlan } from '../plan.ts';
import {
  checkHeaders,
  checkJsonBody,
  checkRowBody,
  checkRowsBody,
  QUERIES_CLAMP_CASES,
  type ObservedResponse,
} from './checks.ts';

export interface VerificationResult {
  ok: boolean;
  /** What was checked, for the results file. */
  checked: string[];
  problems: string[];
}

/** Questions verification asks the database directly (see provision.ts databaseProbes). */
export interface DatabaseProbes {
  /** Is a statement with pg_sleep on `world` running right now? */
  sleeping: () => Promise<boolean>;
  /** Statements on `world` executed so far (pg_stat_statements), when the server tracks them. */
  worldQueries?: (() => Promise<number>) | undefined;
}

const REQUEST_TIMEOUT_MS = 15_000;
/** The slow-db proof request: long enough to be caught in pg_stat_activity. */
const PROBE_SLEEP_MS = 400;

export function fetchOnce(baseUrl: string, path: string, agent: http.Agent): Promise<ObservedResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs: performance.now() - started });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/**
 * Verifies one cell's endpoint before it is measured, following TechEmpower's rules for the
 * test type. Requests go over a keep-alive agent, as the load generator's do.
 */
export async function verifyCell(baseUrl: string, cell: Pick<CellPlan, 'kind' | 'path' | 'queries' | 'dbLatencyMs'>, probes?: DatabaseProbes): Promise<VerificationResult> {
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
  const queriesBefore = await probes?.worldQueries?.();
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
      case 'slow-db': {
        const res = await get(cell.path);
        if (res) {
          const latency = cell.dbLatencyMs ?? 0;
          const tooFast = res.elapsedMs < latency ? [`answered in ${res.elapsedMs.toFixed(1)} ms, faster than the ${latency} ms database wait`] : [];
          expect(cell.path, [...checkHeaders(res), ...checkRowBody(res.body), ...tooFast]);
        }
        if (probes) {
          const route = cell.path.split('?')[0]!;
          const pending = get(`${route}?ms=${PROBE_SLEEP_MS}`);
          await new Promise((r) => setTimeout(r, PROBE_SLEEP_MS / 2));
          const sleeping = await probes.sleeping();
          const probeRes = await pending;
          checked.push(`${route}?ms=${PROBE_SLEEP_MS} waits in PostgreSQL (pg_stat_activity)`);
          if (!sleeping) problems.push(`GET ${route}?ms=${PROBE_SLEEP_MS}: no active pg_sleep on world seen in pg_stat_activity while it ran; the wait must happen in the database, in the row's query`);
          if (probeRes && probeRes.elapsedMs < PROBE_SLEEP_MS) problems.push(`GET ${route}?ms=${PROBE_SLEEP_MS}: answered in ${probeRes.elapsedMs.toFixed(0)} ms`);
        }
        break;
      }
    }
    if (queriesBefore !== undefined && rowsServed > 0 && problems.length === 0) {
      // TechEmpower counts queries too: a row served from a cache or a batched `id = ANY(...)` is not a query per row.
      const ran = (await probes!.worldQueries!()) - queriesBefore;
      checked.push(`${rowsServed} rows came from at least ${rowsServed} queries on world (pg_stat_statements)`);
      if (ran < rowsServed) problems.push(`${rowsServed} rows were served but the database ran only ${ran} queries on world; each row must come from a query of its own`);
    }
  } finally {
    agent.destroy();
  }
  return { ok: problems.length === 0, checked, problems };
}
