import http from 'node:http';
import type { ObservedResponse } from './checks.ts';
import { fetchOnce } from './http.ts';

/** What a burst of concurrent requests got back. */
export interface BurstOutcome {
  /** Requests answered with status 200. */
  ok: number;
  /** Requests that failed or answered another status. */
  failures: number;
  firstFailure?: string | undefined;
}

/**
 * `concurrency` keep-alive clients, each sending `path` back to back for `durationMs`.
 * Never throws: failures are counted, since the caller's point is what the app did
 * with its database meanwhile. `onResponse` sees every answer (hot-rows reads the bodies).
 */
export async function burst(
  baseUrl: string,
  path: string,
  concurrency: number,
  durationMs: number,
  onResponse?: (res: ObservedResponse) => void,
): Promise<BurstOutcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const outcome: BurstOutcome = { ok: 0, failures: 0 };
  const deadline = performance.now() + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      try {
        const res = await fetchOnce(baseUrl, path, agent);
        onResponse?.(res);
        if (res.status === 200) outcome.ok++;
        else {
          outcome.failures++;
          outcome.firstFailure ??= `status ${res.status}`;
        }
      } catch (error) {
        outcome.failures++;
        outcome.firstFailure ??= (error as Error).message;
        // Refused or timed out: this client stops rather than spin on a dead socket.
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    agent.destroy();
  }
  return outcome;
}
