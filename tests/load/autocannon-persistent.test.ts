import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autocannonGenerator, parseAutocannonOutput } from '../../harness/load/autocannon.ts';
import { PersistentAutocannon } from '../../harness/load/autocannon-persistent.ts';
import { startDelayServer } from '../support/delay-server.ts';

/**
 * The run's long-lived autocannon (autocannon-persistent.ts): one process serves every load
 * run, each run's window is its own, and nothing outlives `close`, a kill or a timeout.
 */
const DELAY_MS = 20;
const CONNECTIONS = 8;
let server: Awaited<ReturnType<typeof startDelayServer>>;
let url: string;

beforeAll(async () => {
  server = await startDelayServer(DELAY_MS);
  url = server.url;
});

afterAll(() => server.close());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const job = () => ({ url, connections: CONNECTIONS, warmupS: 0.2, durationS: 0.5, timeoutS: 10 });

describe('persistent autocannon', () => {
  it("measures each run's own window: Little's law holds for three runs in a row", async () => {
    const generator = autocannonGenerator(false, { persistent: true });
    try {
      for (let i = 0; i < 3; i++) {
        let measuring = false;
        const { measurement } = await generator.run({ ...job(), cpus: [], onMeasureStart: () => (measuring = true) }, []);
        expect(measuring).toBe(true);
        expect(measurement.errors + measurement.non2xx).toBe(0);
        expect(measurement.durationS).toBe(0.5);
        // X = N / R: a window that kept the last run's responses, or lost its start, would break it.
        const little = CONNECTIONS / (measurement.latencyMeanMs / 1000);
        expect(Math.abs(measurement.rps / little - 1), `rps ${measurement.rps} vs N / R ${little}`).toBeLessThan(0.1);
        // autocannon's own per-sample counts are scaled to per second, as its default reports them.
        expect(measurement.autocannonRequestsAverage / measurement.rps).toBeGreaterThan(0.5);
        expect(measurement.autocannonRequestsAverage / measurement.rps).toBeLessThan(2);
      }
    } finally {
      await generator.close?.();
    }
  }, 30_000);

  it('runs every job in one process, starts a new one after a kill, and leaves none after close', async () => {
    const loadgen = new PersistentAutocannon([], false);
    const pids: number[] = [];
    const run = () => loadgen.run(job(), 10, 'test', { onPid: (pid) => pids.push(pid) });
    try {
      const first = parseAutocannonOutput(await run());
      await run();
      expect(first.window?.responses2xx).toBeGreaterThan(0);
      expect(new Set(pids).size).toBe(1);
      // A kill (what an abort does) fails the run under way; the next run gets a fresh process.
      const killed = run();
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(pids.at(-1)!, 'SIGKILL');
      await expect(killed).rejects.toThrow(/load generator exited/);
      await run();
      expect(new Set(pids).size).toBe(2);
    } finally {
      await loadgen.close();
    }
    for (const pid of new Set(pids)) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 30_000);

  it('kills a run that does not finish in time', async () => {
    const loadgen = new PersistentAutocannon([], false);
    const pids: number[] = [];
    try {
      await expect(loadgen.run({ ...job(), durationS: 5 }, 1, 'a slow run', { onPid: (pid) => pids.push(pid) })).rejects.toThrow(/did not finish within 1 s/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(pids[0]!)).toBe(false);
    } finally {
      await loadgen.close();
    }
  }, 30_000);
});
