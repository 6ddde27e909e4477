import type Docker from 'dockerode';
import { z } from 'zod';
import { BenchError } from '../errors.ts';
import type { CpuMemReading } from '../resources/proc.ts';

/**
 * A remote Docker engine the apps run on (`--app-host ssh://user@host` or
 * `tcp://host:2376`), as dockerode takes it. Tested against a real second engine over plain
 * `tcp://` (tests/integration/remote-engine.test.ts: a dockerd in a network namespace of
 * this machine); `ssh://` and TLS are only unit-tested (docs/network.md, "Three hosts").
 */
export interface DockerEngine {
  /** As given, for the results (no credentials: ssh uses the agent, TLS the cert files). */
  url: string;
  /** The engine's host name: apps on its host network are reached there. */
  host: string;
  protocol: 'ssh' | 'http' | 'https';
  port: number;
  username?: string | undefined;
}

/** Docker's registered ports: 2375 plain HTTP, 2376 TLS; ssh's own 22. */
const DEFAULT_PORTS = { ssh: 22, tcp: 2376 } as const;
const PLAIN_HTTP_PORT = 2375;

/** Pure: `ssh://user@host[:port]` or `tcp://host[:port]` as a DockerEngine. */
export function parseDockerEngine(value: string): DockerEngine {
  let u: URL;
  try {
    u = new URL(value);
  } catch (cause) {
    throw new BenchError('USAGE', `--app-host '${value}': not a URL`, { cause, hint: 'e.g. ssh://bench@app-host or tcp://app-host:2376' });
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'ssh' && scheme !== 'tcp') {
    throw new BenchError('USAGE', `--app-host '${value}': a Docker engine is reached over ssh:// or tcp://, not ${scheme}://`, {
      hint: 'e.g. ssh://bench@app-host or tcp://app-host:2376',
    });
  }
  if (!u.hostname) throw new BenchError('USAGE', `--app-host '${value}': no host name`, { hint: 'e.g. ssh://bench@app-host' });
  if (u.password)
    throw new BenchError('USAGE', `--app-host '${value}': a password in the URL would be recorded in results.json`, {
      hint: 'use an ssh agent or key (ssh://user@host)',
    });
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[scheme];
  const protocol = scheme === 'ssh' ? 'ssh' : port === PLAIN_HTTP_PORT ? 'http' : 'https';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    url: `${scheme}://${u.username ? `${u.username}@` : ''}${u.host}`,
    host,
    protocol,
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
  };
}

/**
 * Pure: the cores of a remote engine's machine the apps are pinned to. This machine's layout
 * (harness/cpu/layout.ts) decides how many cores the app gets, and its worker counts follow;
 * its core numbers mean nothing over there. The app takes the engine's last cores, as the
 * layout's app does here (core 0 keeps the interrupts and the engine itself), and all of
 * them when the engine has fewer than the layout asks for (the run records a warning).
 */
export function engineAppCpus(appCpuCount: number, engineCpuCount: number): number[] {
  const count = Math.max(1, Math.min(appCpuCount, engineCpuCount));
  return Array.from({ length: count }, (_, i) => engineCpuCount - count + i);
}

/** TLS material for `tcp://` engines (DOCKER_CERT_PATH's ca.pem, cert.pem, key.pem), read by the caller. */
export interface EngineTls {
  ca: string;
  cert: string;
  key: string;
}

/** Pure: dockerode's constructor options for an engine. */
export function dockerOptions(engine: DockerEngine, tls?: EngineTls): Docker.DockerOptions {
  const base: Docker.DockerOptions = { host: engine.host, port: engine.port, protocol: engine.protocol };
  if (engine.protocol === 'ssh') return { ...base, ...(engine.username ? { username: engine.username } : {}) };
  if (engine.protocol === 'https') {
    if (!tls)
      throw new BenchError('DOCKER', `${engine.url}: a TLS engine needs DOCKER_CERT_PATH with ca.pem, cert.pem and key.pem`, {
        hint: 'set DOCKER_CERT_PATH, or use ssh://',
      });
    return { ...base, ...tls };
  }
  return base;
}

/**
 * The fields of one answer of the engine's stats API (`GET /containers/{id}/stats?stream=false&one-shot=true`)
 * that a reading needs; the recorded answer in tests/fixtures/docker-stats shows the rest.
 */
export const DockerStatsSchema = z.object({
  read: z.string(),
  cpu_stats: z.object({ cpu_usage: z.object({ total_usage: z.number().min(0) }) }),
  memory_stats: z.object({
    usage: z.number().min(0).optional(),
    /** cgroup v2: inactive_file; v1: total_inactive_file (page cache that can be dropped). */
    stats: z.record(z.string(), z.number()).optional(),
  }),
});
export type DockerStats = z.infer<typeof DockerStatsSchema>;

/**
 * Pure: one stats answer as the sampler's cumulative reading (harness/resources/sampler.ts
 * turns consecutive readings into utilisation): the container's CPU time so far, and its
 * memory without droppable page cache, as `docker stats` shows it.
 */
export function statsReading(stats: DockerStats): CpuMemReading {
  const usage = stats.memory_stats.usage ?? 0;
  const inactive = stats.memory_stats.stats?.inactive_file ?? stats.memory_stats.stats?.total_inactive_file ?? 0;
  const takenAtMs = Date.parse(stats.read);
  return {
    cpuS: stats.cpu_stats.cpu_usage.total_usage / 1e9,
    memBytes: Math.max(0, usage - inactive),
    // The engine's clock; an unset time (year 1) or none leaves the sampler's own.
    ...(Number.isFinite(takenAtMs) && takenAtMs > 0 ? { takenAtMs } : {}),
  };
}

/**
 * A reader of a container's CPU and memory through the engine's stats API, for engines
 * whose cgroup files are on another machine. `one-shot` spares the engine a second sample for
 * a CPU percentage, but Docker 20.10 answers it at its collector's next tick, up to a second
 * later (measured: 0.03 s for the first call, 1.00 s for the next ones). The answer's `read`
 * time says when the figures were taken, on the engine's clock, so the sampler times each
 * reading by it: neither that wait nor an ssh round trip shifts the intervals.
 */
export function dockerStatsReader(container: Pick<Docker.Container, 'stats'>): () => Promise<CpuMemReading> {
  return async () => {
    const answer: unknown = await container.stats({ stream: false, 'one-shot': true });
    const parsed = DockerStatsSchema.safeParse(answer);
    if (!parsed.success) throw new BenchError('DOCKER', `the engine's stats answer lacks CPU or memory figures: ${parsed.error.issues[0]?.message ?? ''}`);
    return statsReading(parsed.data);
  };
}
