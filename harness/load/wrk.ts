import { execa } from 'execa';
import { BenchError } from '../errors.ts';

/** Parses wrk's `Requests/sec:` line (and `Non-2xx` count, which must be absent). */
export function parseWrkOutput(text: string): { rps: number; non2xx: number } {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!rps) throw new BenchError('LOADGEN', `wrk printed no Requests/sec line: ${text.trim().split('\n').slice(-2).join(' | ')}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  return { rps: Number(rps[1]), non2xx: non2xx ? Number(non2xx[1]) : 0 };
}

/**
 * An independent second opinion on a cell: wrk (C, epoll, one thread) with the same
 * connections, duration and CPUs as autocannon. It would have caught the gunicorn
 * sync-worker trap (autocannon 37-40% low, DESIGN.md).
 */
export async function runWrk(url: string, connections: number, durationS: number, cpus: number[], pin: boolean): Promise<{ rps: number; non2xx: number }> {
  const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '10s', url];
  const [file, argv] = pin ? ['taskset', ['-c', cpus.join(','), 'wrk', ...args]] : ['wrk', args];
  const r = await execa(file, argv as string[], { reject: false, timeout: (durationS + 30) * 1000 });
  if (r.exitCode !== 0) {
    throw new BenchError('LOADGEN', `wrk against ${url} failed: ${String(r.stderr || r.stdout).trim().slice(0, 200)}`, { hint: 'apt-get install wrk, or put any wrk on PATH' });
  }
  return parseWrkOutput(String(r.stdout));
}
