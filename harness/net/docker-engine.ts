import type Docker from 'dockerode';
import { z } from 'zod';
import { BenchError } from '../errors.ts';
import type { Usage } from '../results/schema.ts';

/**
 * A remote Docker engine the apps run on (`--app-host ssh://user@host` or
 * `tcp://host:2376`), as dockerode takes it. Not tested against a real remote engine
 * (docs/network.md): the parsing and the stats conversion are unit-tested.
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
    throw new BenchError('USAGE', `--app-host '${value}': a Docker engine is reached over ssh:// or tcp://, not ${scheme}://`, { hint: 'e.g. ssh://bench@app-host or tcp://app-host:2376' });
  }
  if (!u.hostname) throw new BenchError('USAGE', `--app-host '${value}': no host name`, { hint: 'e.g. ssh://bench@app-host' });
  if (u.password) throw new BenchError('USAGE', `--app-host '${value}': a password in the URL would be recorded in results.json`, { hint: 'use an ssh agent or key (ssh://user@host)' });
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[scheme];
  const protocol = scheme === 'ssh' ? 'ssh' : port === PLAIN_HTTP_PORT ? 'http' : 'https';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { url: `${scheme}://${u.username ? `${u.username}@` : ''}${u.host}`, host, protocol, port, ...(u.username ? { username: decodeURIComponent(u.username) } : {}) };
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
    if (!tls) throw new BenchError('DOCKER', `${engine.url}: a TLS engine needs DOCKER_CERT_PATH with ca.pem, cert.pem and key.pem`, { hint: 'set DOCKER_CERT_PATH, or use ssh://' });
    return { ...base, ...tls };
  }
  return base;
}

/** The fields of one answer of the engine's stats API (`GET /containers/{id}/stats?stream=false`) that the usage needs. */
export const DockerStatsSchema = z.object({
  read: z.string(),
  preread: z.string(),
  cpu_stats: z.object({
    cpu_usage: z.object({ total_usage: z.number() }),
    system_cpu_usage: z.number().optional(),
    online_cpus: z.number().optional(),
  }),
  precpu_stats: z.object({
    cpu_usage: z.object({ total_usage: z.number() }),
    system_cpu_usage: z.number().optional(),
  }),
  memory_stats: z.object({
    usage: z.number().optional(),
    /** cgroup v2: inactive_file; v1: total_inactive_file. */
    stats: z.record(z.string(), z.number()).optional(),
  }),
});
export type DockerStats = z.infer<typeof DockerStatsSchema>;

/**
 * Pure: busy cores over the interval between a stats answer and the one before it: the
 * container's CPU time over the host's (times its online CPUs), as `docker stats` computes
 * it; from the two read times when the host's counter is missing. Undefined for the first
 * answer of a stream (no earlier sample, precpu is zero).
 */
export function busyCores(s: DockerStats): number | undefined {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  if (s.precpu_stats.cpu_usage.total_usage === 0 || cpuDelta < 0) return undefined;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  if (systemDelta > 0 && s.cpu_stats.online_cpus) return (cpuDelta / systemDelta) * s.cpu_stats.online_cpus;
  const wallNs = (Date.parse(s.read) - Date.parse(s.preread)) * 1e6;
  return wallNs > 0 ? cpuDelta / wallNs : undefined;
}

/** Pure: the memory in use, page cache that can be dropped left out, as `docker stats` shows it. */
export function memoryBytes(s: DockerStats): number | undefined {
  const usage = s.memory_stats.usage;
  if (usage === undefined) return undefined;
  const inactive = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file ?? 0;
  return Math.max(0, usage - inactive);
}

/**
 * Pure: stats answers of one measurement as a party's usage, CPU as a share of the
 * `cores` the container was given (the same measure as the cgroup sampler's).
 */
export function statsToUsage(samples: readonly DockerStats[], cores: number): Usage | undefined {
  const cpu = samples.map(busyCores).filter((v): v is number => v !== undefined).map((busy) => busy / cores);
  const mem = samples.map(memoryBytes).filter((v): v is number => v !== undefined);
  if (cpu.length === 0) return undefined;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    cpuMeanUtil: mean(cpu),
    cpuPeakUtil: Math.max(...cpu),
    cores,
    memMeanBytes: mem.length ? mean(mem) : 0,
    memPeakBytes: mem.length ? Math.max(...mem) : 0,
    samples: cpu.length,
  };
}
