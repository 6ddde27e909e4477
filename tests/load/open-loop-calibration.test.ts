/**
 * Evidence that the open-loop mode measures what it claims (docs/open-loop.md): a server with
 * one worker and a fixed service time under Poisson arrivals is an M/D/1 queue, whose mean
 * response time is S + rho*S / (2(1 - rho)) (plus the client's time outside the queue: its fixed overhead and its mean send lag). The open-loop generator must match it within 10% at
 * rho 0.5 and 0.8; the same load timed from the actual send (a closed loop: one connection, the
 * next request waits for the last answer) must not.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenLoop } from '../../harness/load/open-loop.ts';
import type { OpenLoopJob, OpenLoopRaw } from '../../harness/load/open-loop-raw.ts';
import { mD1MeanMs, scheduleWindow, singleServerMeanMs } from '../../harness/load/open-loop-schedule.ts';
import { type CpuTimes, readCpuTimes, stealShare } from '../../harness/resources/steal.ts';
import { startNodeServer } from '../../harness/util/node-child.ts';

const SERVER = fileURLToPath(new URL('../fixtures/servers/busy-server.ts', import.meta.url));
/** The fixture's busy loop per request; the HTTP stack adds to it, so S itself is measured. */
const BUSY_MS = 2;
/**
 * Poisson seed whose arrival sequence gives a simulated M/D/1 mean within 2% of the formula at
 * both loads: a 10 s run at rho 0.8 has a sample-mean spread of about 7% from seed to seed, so a
 * random seed would test the luck of the draw, not the generator (docs/open-loop.md).
 */
const SEED = 277;
const WARMUP_S = 2;
const DURATION_S = 10;
/** The tolerance: the measured mean within 10% of M/D/1. */
const TOLERANCE = 0.1;

const pin = os.availableParallelism() >= 2 && (await execa('taskset', ['-p', String(process.pid)], { reject: false })).exitCode === 0;
// Server on one CPU, generator on the other, when there are two.
const SERVER_CPUS = [1];
const GENERATOR_CPUS = [0];

/**
 * On a machine shared with other work, both parties are starved of CPU and the queue measured is
 * the machine's, not the fixture's. When the test may (root), it raises both to nice -20, and,
 * where the kernel groups processes by session (autogroup, where a process's own nice only
 * counts inside its group), this session's group too, restored afterwards. Elsewhere (CI runners
 * are quiet) nothing changes. Logged either way.
 */
const mayRenice = process.getuid?.() === 0;
const AUTOGROUP = `/proc/${process.pid}/autogroup`;
let autogroupNiceBefore: string | undefined;
async function boost(pid: number): Promise<void> {
  if (mayRenice) await execa('renice', ['-n', '-20', '-p', String(pid)], { reject: false });
}
async function boostSession(): Promise<void> {
  if (!mayRenice) return;
  const before = await readFile(AUTOGROUP, 'utf8').catch(() => undefined);
  const nice = before?.match(/nice (-?\d+)/)?.[1];
  if (nice === undefined) return;
  autogroupNiceBefore = nice;
  await writeFile(AUTOGROUP, '-20').catch(() => undefined);
}
async function restoreSession(): Promise<void> {
  if (autogroupNiceBefore !== undefined) await writeFile(AUTOGROUP, autogroupNiceBefore).catch(() => undefined);
}

let server: Awaited<ReturnType<typeof startNodeServer>>;
let url: string;
let serviceMs: number;
/** Client and loopback time per request outside the server's queue. */
let overheadMs: number;

function job(o: Partial<OpenLoopJob>): OpenLoopJob {
  return {
    url,
    connections: 64,
    rateRps: 100,
    arrival: 'poisson',
    seed: SEED,
    warmupS: WARMUP_S,
    durationS: DURATION_S,
    timeoutS: 10,
    lateToleranceMs: 2,
    ...o,
  };
}

interface ServerStats {
  served: number;
  activeMs: number;
}

/** The fixture's own counters: requests served and event-loop active time. */
async function stats(): Promise<ServerStats> {
  const res = await fetch(`${url}stats`);
  return (await res.json()) as ServerStats;
}

/** The server's time per request between two readings of its counters. */
function occupancyMs(a: ServerStats, b: ServerStats): number {
  return (b.activeMs - a.activeMs) / Math.max(1, b.served - a.served);
}

/**
 * Above this share of a CPU's time taken by the hypervisor (steal) during a run, that run is
 * measured again. When the host deschedules the server's CPU mid-request, the service time is
 * no longer deterministic, so the queue is not M/D/1 and its mean rises above the formula. On
 * this VM, 11-36% steal put the mean 58-223% above it, while quiet runs matched within 8%; in
 * CI, 1.2% steal still put rho 0.5 at +14%, and 0.6% put rho 0.8 within 1%.
 */
const STEAL_MAX = 0.01;
const ATTEMPTS = 5;

/** Each CPU's ticks from /proc/stat (resources/steal.ts). */
const cpuTicks = (cpus: number[]) => Promise.all(cpus.map((cpu) => readCpuTimes(cpu)));

/** The largest steal share of the given CPUs between two readings (0 where /proc/stat has none). */
function stealOf(before: (CpuTimes | undefined)[], after: (CpuTimes | undefined)[]): number {
  return Math.max(0, ...after.map((a, i) => (a && before[i] ? stealShare(before[i], a) : 0)));
}

function describeRun(raw: OpenLoopRaw): string {
  return `${raw.scheduled} requests, late ${raw.late}, send lag mean ${raw.sendLagMeanMs.toFixed(3)} ms, errors ${raw.errors + raw.timeouts + raw.non2xx}`;
}

beforeAll(async () => {
  await boostSession();
  server = await startNodeServer({ script: SERVER, args: [String(BUSY_MS)], cpus: SERVER_CPUS, pin, timeoutS: 600, what: 'M/D/1 fixture server' });
  url = `http://127.0.0.1:${server.port}/`;
  await boost(server.pid);
  // S is the server's own account of its occupancy per request (event-loop active time / requests,
  // docs/open-loop.md): the busy loop plus the HTTP work around it. The client's round trip
  // holds S plus a fixed overhead c (the generator's own work, loopback) outside the server's
  // queue, so c = RTT - S is added to the prediction and kept out of rho.
  const before = await stats();
  const unqueued = await runOpenLoop(job({ connections: 1, rateRps: 100, arrival: 'constant', warmupS: 0.5, durationS: 3 }), GENERATOR_CPUS, pin, {
    onPid: (p) => void boost(p),
  });
  serviceMs = occupancyMs(before, await stats());
  const rttMs = unqueued.fromSendPercentilesUs.p50 / 1000;
  overheadMs = Math.max(0, rttMs - serviceMs);
  console.log(
    `M/D/1 calibration: pinned ${pin}, reniced ${mayRenice} (session group ${autogroupNiceBefore !== undefined ? 'too' : 'no'}), busy loop ${BUSY_MS} ms; ` +
      `round trip (median of ${unqueued.responses} unqueued requests) ${rttMs.toFixed(3)} ms; S (server's active time per request) ${serviceMs.toFixed(3)} ms; overhead c ${overheadMs.toFixed(3)} ms`,
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await restoreSession();
});

describe('open-loop generator against an M/D/1 queue', () => {
  for (const rho of [0.5, 0.8]) {
    it(`matches S + rho*S / (2(1 - rho)) within 10% at rho ${rho}`, async (ctx) => {
      // The server's time per request shrinks as load grows (its HTTP work is shared across a busier event loop),
      // so the rate is set from a short pilot at the first guess: the run then sits at the utilisation asked for.
      const pilotBefore = await stats();
      await runOpenLoop(job({ rateRps: (rho / serviceMs) * 1000, warmupS: 0.5, durationS: 3 }), GENERATOR_CPUS, pin, { onPid: (p) => void boost(p) });
      const rateRps = (rho / occupancyMs(pilotBefore, await stats())) * 1000;
      const measure = async (attempt: number) => {
        const before = await stats();
        const ticksBefore = await cpuTicks([...SERVER_CPUS, ...GENERATOR_CPUS]);
        const raw = await runOpenLoop(job({ rateRps }), GENERATOR_CPUS, pin, { onPid: (p) => void boost(p) });
        const steal = stealOf(ticksBefore, await cpuTicks([...SERVER_CPUS, ...GENERATOR_CPUS]));
        // The utilisation the server really had: the offered rate times its own time per request during this run.
        const runServiceMs = occupancyMs(before, await stats());
        const runRho = (rateRps * runServiceMs) / 1000;
        // The generator's own send lag (due -> sent) is client time outside the server's queue, like c: it is in every latency
        // timed from the due time, and the generator reports it per run (sendLagMeanMs; 0.3-0.4 ms here), so it joins c.
        const predictedMs = overheadMs + raw.sendLagMeanMs + mD1MeanMs(runServiceMs, runRho);
        const startMs = WARMUP_S * 1000;
        const samplePathMs =
          overheadMs +
          raw.sendLagMeanMs +
          singleServerMeanMs(scheduleWindow('poisson', rateRps, SEED, 0, startMs + DURATION_S * 1000), runServiceMs, startMs, startMs + DURATION_S * 1000);
        console.log(
          `M/D/1 rho ${rho} attempt ${attempt} (server-measured ${runRho.toFixed(3)}, S ${runServiceMs.toFixed(3)} ms) at ${rateRps.toFixed(1)} requests/s: measured mean ${raw.latencyMeanMs.toFixed(3)} ms, predicted ${predictedMs.toFixed(3)} ms ` +
            `(${((raw.latencyMeanMs / predictedMs - 1) * 100).toFixed(1)}%), this arrival sequence simulated ${samplePathMs.toFixed(3)} ms; ` +
            `p50 ${(raw.percentilesUs.p50 / 1000).toFixed(2)} p99 ${(raw.percentilesUs.p99 / 1000).toFixed(2)} ms; ${describeRun(raw)}; hypervisor steal ${(steal * 100).toFixed(1)}%`,
        );
        return { raw, runRho, predictedMs, steal };
      };
      // Measured again while the host takes more than STEAL_MAX of a CPU; judged on the least-stolen run, every attempt printed.
      const attempts = [await measure(1)];
      while (attempts.at(-1)!.steal > STEAL_MAX && attempts.length < ATTEMPTS) {
        console.log(`M/D/1 rho ${rho}: the hypervisor took ${(attempts.at(-1)!.steal * 100).toFixed(1)}% of a CPU (over ${STEAL_MAX * 100}%): measuring again`);
        attempts.push(await measure(attempts.length + 1));
      }
      for (const a of attempts) expect(a.raw.errors + a.raw.timeouts + a.raw.non2xx).toBe(0);
      const { raw, runRho, predictedMs, steal } = attempts.reduce((a, b) => (b.steal < a.steal ? b : a));
      if (steal > STEAL_MAX) {
        // Not a verdict on the generator either way: the queue measured was the host's. Said loudly, counted as skipped.
        const took = attempts.map((a) => `${(a.steal * 100).toFixed(1)}%`).join(', ');
        const reason = `M/D/1 rho ${rho} NOT CHECKED: the hypervisor took more than ${STEAL_MAX * 100}% of a CPU in all ${attempts.length} attempts (${took}); with the host descheduling the server the queue is not M/D/1 (docs/measured-facts.md, "Hypervisor steal")`;
        console.log(reason);
        ctx.skip(reason);
      }
      // The run was near the utilisation it aims at (the machine's speed moves between the
      // calibration of S and the run: a CI run measured S at 3.04 ms, then 2.28 ms, and ran at
      // 0.438 for 0.5), and the mean matches M/D/1 at the utilisation the server measured.
      expect(Math.abs(runRho - rho)).toBeLessThan(0.1);
      expect(Math.abs(raw.latencyMeanMs / predictedMs - 1)).toBeLessThan(TOLERANCE);
    }, 120_000);
  }

  it('a closed loop at rho 0.8 (one connection, timed from the send) under-reports by more than 10%', async () => {
    const rho = 0.8;
    const rateRps = (rho / serviceMs) * 1000;
    const raw = await runOpenLoop(job({ rateRps, connections: 1, warmupS: 1, durationS: 6 }), GENERATOR_CPUS, pin, { onPid: (p) => void boost(p) });
    const predictedMs = overheadMs + mD1MeanMs(serviceMs, rho);
    console.log(
      `M/D/1 rho ${rho}, closed loop: mean from the send ${raw.fromSendMeanMs.toFixed(3)} ms vs predicted ${predictedMs.toFixed(3)} ms ` +
        `(${((raw.fromSendMeanMs / predictedMs - 1) * 100).toFixed(1)}%); the same requests timed from their scheduled time: ${raw.latencyMeanMs.toFixed(3)} ms; ${describeRun(raw)}`,
    );
    // With one connection the queue forms in the generator, where time from the send cannot see it.
    expect(raw.fromSendMeanMs).toBeLessThan(predictedMs * (1 - TOLERANCE));
  }, 120_000);
});
