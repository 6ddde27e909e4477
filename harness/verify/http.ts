import http from 'node:http';
import type { ObservedResponse } from './checks.ts';

/** A verification request that gets no answer in this long has failed. */
const REQUEST_TIMEOUT_MS = 15_000;

/** One GET over `agent`, with the whole body and how long it took. */
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
