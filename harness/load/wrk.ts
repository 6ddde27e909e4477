import { execa } from 'execa';
import { BenchError } from '../errors.ts';
import type { Measurement } from '../results/schema.ts';
import { abortable } from './abort.ts';
import type { LoadGenerator, LoadJob } from './types.ts';

/** wrk's time units -> milliseconds. */
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function ms(value: string | undefined, unit: string | undefined): number {
  return value === undefined ? 0 : Number(value) * (UNIT_MS[unit ?? 'ms'] ?? 1);
}

/**
 * Pure: wrk's text output (run with --latency) -> a Measurement. rps counts 2xx (and 3xx,
 * which wrk does not separate) responses only, like autocannon's; wrk's own Requests/sec
 * counts every response.
 */
export function parseWrkOutput(text: string): Measurement {
  const rpsLine = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(text);
  if (!rpsLine || !total) throw new BenchError('LOADGEN', `wrk printed no Requests/sec line: ${text.trim().split('\n').slice(-2).join(' | ')}`);
  const requests = Number(total[1]);
  const durationS = ms(total[2], total[3]) / 1000;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const timeouts = Number(socket?.[4] ?? 0);
  const errors = socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) + timeouts : 0;
  const latency = /Latency\s+([\d.]+)(us|ms|s|m)\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m)/.exec(text);
  const pct = (p: number) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(text);
    return ms(m?.[1], m?.[2]);
  };
  const ok = Math.max(0, requests - non2xx);
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(text);
  const bytes = transfer ? Number(transfer[1]) * { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 }[transfer[2] as 'B'] : 0;
  return {
    rps: durationS > 0 ? ok / durationS : 0,
    autocannonRequestsAverage: Number(rpsLine[1]),
    durationS,
    requests2xx: ok,
    latencyMeanMs: ms(latency?.[1], latency?.[2]),
    latencyP50Ms: pct(50),
    latencyP90Ms: pct(90),
    latencyP99Ms: pct(99),
    latencyMaxMs: ms(latency?.[3], latency?.[4]),
    errors,
    timeouts,
    non2xx,
    resets: 0,
    throughputBytesPerS: bytes,
  };
}

/** Grace beyond warm-up + duration before wrk is killed: every load run is bounded. */
const KILL_GRACE_S = 30;

/**
 * An independent second opinion on a cell: wrk (C, epoll, one thread) with the same
 * connections, duration and CPUs as autocannon. It would have caught the gunicorn
 * sync-worker trap (autocannon read 37-40% low). No warm-up: the cell was
 * just warmed by autocannon. Samples nothing; `signal` kills it at once.
 */
export function wrkGenerator(pin: boolean): LoadGenerator {
  return {
    name: 'wrk',
    run: (job, _targets, signal) =>
      abortable(signal, async () => {
        const text = await runWrk(job, pin, signal);
        return { measurement: parseWrkOutput(text), usage: {}, raw: text };
      }),
  };
}

async function runWrk(job: LoadJob, pin: boolean, signal: AbortSignal | undefined): Promise<string> {
  // wrk pipelines only through a Lua script; a pipelining cell measured without it would read as another workload.
  if ((job.pipelining ?? 1) > 1)
    throw new BenchError('LOADGEN', `wrk cannot measure ${job.url} with pipelining ${job.pipelining}: the harness runs wrk without pipelining`);
  const args = ['-t1', `-c${job.connections}`, `-d${job.durationS}s`, '--latency', '--timeout', `${job.timeoutS ?? 10}s`, job.url];
  const [file, argv] = pin ? ['taskset', ['-c', job.cpus.join(','), 'wrk', ...args]] : ['wrk', args];
  const r = await execa(file, argv as string[], {
    reject: false,
    timeout: (job.durationS + KILL_GRACE_S) * 1000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  if (r.exitCode !== 0) {
    throw new BenchError(
      'LOADGEN',
      `wrk against ${job.url} failed: ${String(r.stderr || r.stdout)
        .trim()
        .slice(0, 200)}`,
      { hint: 'apt-get install wrk, or put any wrk on PATH' },
    );
  }
  return String(r.stdout);
}
