import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerStatsSchema, dockerOptions, dockerStatsReader, engineAppCpus, parseDockerEngine, statsReading } from '../../harness/net/docker-engine.ts';
import { summarizeSamples } from '../../harness/resources/sampler.ts';

/**
 * Two answers of `GET /containers/{id}/stats?stream=false&one-shot=true`, recorded from a
 * local engine (Docker 20.10, cgroup v1) 1.007 s apart while the container's shell loop
 * kept about 0.6 of a core busy.
 */
const RECORDED = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'docker-stats', 'one-shot-cgroup1.json'), 'utf8')) as unknown[];

describe('parseDockerEngine', () => {
  it('reads ssh:// with a user and the default port', () => {
    expect(parseDockerEngine('ssh://bench@app-host')).toEqual({ url: 'ssh://bench@app-host', host: 'app-host', protocol: 'ssh', port: 22, username: 'bench' });
    expect(parseDockerEngine('ssh://app-host:2222')).toEqual({ url: 'ssh://app-host:2222', host: 'app-host', protocol: 'ssh', port: 2222 });
  });

  it('reads tcp:// as TLS on 2376 (the default) and plain HTTP on 2375', () => {
    expect(parseDockerEngine('tcp://10.0.0.5:2376')).toMatchObject({ host: '10.0.0.5', protocol: 'https', port: 2376 });
    expect(parseDockerEngine('tcp://app-host')).toMatchObject({ protocol: 'https', port: 2376 });
    expect(parseDockerEngine('tcp://app-host:2375')).toMatchObject({ protocol: 'http', port: 2375 });
  });

  it('refuses other schemes, passwords and URLs without a host, naming the value', () => {
    expect(() => parseDockerEngine('http://app-host')).toThrow("--app-host 'http://app-host': a Docker engine is reached over ssh:// or tcp://, not http://");
    expect(() => parseDockerEngine('ssh://bench:secret@app-host')).toThrow('a password in the URL would be recorded in results.json');
  });
});

describe('dockerOptions', () => {
  it('gives dockerode the host, port, protocol and ssh user', () => {
    expect(dockerOptions(parseDockerEngine('ssh://bench@app-host'))).toEqual({ host: 'app-host', port: 22, protocol: 'ssh', username: 'bench' });
    expect(dockerOptions(parseDockerEngine('tcp://app-host:2375'))).toEqual({ host: 'app-host', port: 2375, protocol: 'http' });
  });

  it('needs TLS material for a TLS engine', () => {
    const engine = parseDockerEngine('tcp://app-host:2376');
    expect(() => dockerOptions(engine)).toThrow('tcp://app-host:2376: a TLS engine needs DOCKER_CERT_PATH');
    expect(dockerOptions(engine, { ca: 'CA', cert: 'CERT', key: 'KEY' })).toEqual({
      host: 'app-host',
      port: 2376,
      protocol: 'https',
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
    });
  });
});

describe('engineAppCpus', () => {
  it("takes the engine's last cores, as many as this machine's layout gives the app", () => {
    expect(engineAppCpus(1, 2)).toEqual([1]);
    expect(engineAppCpus(2, 8)).toEqual([6, 7]);
  });

  it('takes every core of an engine with fewer, and at least one', () => {
    expect(engineAppCpus(6, 4)).toEqual([0, 1, 2, 3]);
    expect(engineAppCpus(0, 4)).toEqual([3]);
  });
});

describe('stats API to usage', () => {
  it('reads cumulative CPU seconds and memory without droppable cache from a recorded answer', () => {
    const [first, second] = RECORDED.map((a) => statsReading(DockerStatsSchema.parse(a)));
    expect(first).toMatchObject({ cpuS: 0.216676679, memBytes: 466944 });
    expect(second).toMatchObject({ cpuS: 0.825687742, memBytes: 442368 });
    // Timed by the engine's `read`, not by when the answer arrived.
    expect(second!.takenAtMs! - first!.takenAtMs!).toBe(
      Date.parse((RECORDED[1] as { read: string }).read) - Date.parse((RECORDED[0] as { read: string }).read),
    );
  });

  it("gives the sampler's usage: 0.61 CPU s over 1.007 s of one core", () => {
    const samples = RECORDED.map((a) => {
      const reading = statsReading(DockerStatsSchema.parse(a));
      return { atMs: reading.takenAtMs!, reading };
    });
    const usage = summarizeSamples(samples, 1)!;
    expect(usage.cpuMeanUtil).toBeCloseTo(0.609 / 1.007, 2);
    expect(usage).toMatchObject({ cores: 1, samples: 2, memPeakBytes: 466944, memMeanBytes: (466944 + 442368) / 2 });
  });

  it('subtracts inactive_file (cgroup v2) from the usage', () => {
    expect(
      statsReading({ read: 'x', cpu_stats: { cpu_usage: { total_usage: 2e9 } }, memory_stats: { usage: 100_000, stats: { inactive_file: 30_000 } } }),
    ).toEqual({ cpuS: 2, memBytes: 70_000 });
    // An unset time (Docker's zero time) leaves the reading untimed.
    expect(statsReading({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 } }, memory_stats: {} }).takenAtMs).toBeUndefined();
  });

  it('asks the engine for one-shot answers and fails with DOCKER on an answer without figures', async () => {
    const asked: unknown[] = [];
    const container = {
      stats: async (opts?: unknown) => {
        asked.push(opts);
        return RECORDED[1];
      },
    } as never;
    expect(await dockerStatsReader(container)()).toMatchObject({ cpuS: 0.825687742, memBytes: 442368 });
    expect(asked).toEqual([{ stream: false, 'one-shot': true }]);
    const broken = { stats: async () => ({ read: 'x' }) } as never;
    await expect(dockerStatsReader(broken)()).rejects.toMatchObject({ code: 'DOCKER' });
  });
});
