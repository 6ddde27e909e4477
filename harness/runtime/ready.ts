import http from 'node:http';
import { fetchOnce } from '../verify/verify.ts';
import type { RunningApp } from './types.ts';

/** How long an app may take to answer its first request: a cold Django import on a loaded core takes seconds, not a minute. */
export const STARTUP_TIMEOUT_MS = 60_000;
/** Between attempts while the app starts. */
const POLL_INTERVAL_MS = 200;

/** Resolves once the app answers GET /json; rejects when it exits first or the timeout passes. */
export async function waitUntilReady(app: RunningApp, timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: { code: number | null; signal: string | null } | undefined;
  void app.exited.then((e) => (exited = e));
  const agent = new http.Agent({ keepAlive: false });
  try {
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the app exited (${exited.code ?? exited.signal}) before answering`);
      try {
        await fetchOnce(app.baseUrl, '/json', agent);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
      }
    }
    throw new Error(`the app did not answer GET /json within ${timeoutMs / 1000} s`);
  } finally {
    agent.destroy();
  }
}
