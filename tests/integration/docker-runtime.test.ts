import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDefinition, loadApp } from '../../harness/apps/manifest.ts';
import { workerSettings } from '../../harness/apps/workers.ts';
import { removeLeftoverContainers } from '../../harness/docker/client.ts';
import { BenchError } from '../../harness/errors.ts';
import { CACHE_DIR, REPO_ROOT } from '../../harness/paths.ts';
import { findPython, pythonNeed } from '../../harness/python/discover.ts';
import { createDockerRuntime } from '../../harness/runtime/docker.ts';
import type { Runtime } from '../../harness/runtime/types.ts';
import { findFreePort } from '../../harness/util/ports.ts';
import { dockerTestGate, TEST_BASE_IMAGE } from '../support/docker.ts';

// Real Docker, no mocks. They need a daemon and the offline base image (.ci/docker-setup.sh
// makes both); on CI they must run, elsewhere they are skipped with the reason.
const BASE_IMAGE = TEST_BASE_IMAGE;
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');

const { run: runTests, ready } = await dockerTestGate('Docker runtime tests');

describe.runIf(runTests)('docker runtime', () => {
  const docker = new Docker();
  const runId = `test-${process.pid}-${Date.now()}`;
  const warnings: string[] = [];
  let runtime: Runtime;
  let app: AppDefinition;
  let hostPython: string;

  beforeAll(async () => {
    // On CI a missing daemon or image must fail the suite with the reason, not skip it.
    if (!ready.ok) throw new Error(`Docker runtime tests need Docker: ${ready.reason}`);
    // Any host Python with pip can download the wheels; the image's version is passed as flags.
    app = await loadApp(FIXTURES, 'docker-app');
    hostPython = (await findPython(process.env.CROSSOVER_TEST_PYTHON, pythonNeed([app]))).path;
    runtime = createDockerRuntime({
      baseImage: BASE_IMAGE,
      cacheDir: CACHE_DIR,
      hostPython,
      log: (line) => warnings.push(line),
      memoryLimitBytes: 512 * 2 ** 20,
    });
  });

  afterAll(async () => {
    if (!ready.ok) return;
    await runtime.close();
    await removeLeftoverContainers(docker, runId);
  });

  it('reports a failing Dockerfile step as a DOCKER error with the failing line', async () => {
    const broken = createDockerRuntime({
      baseImage: BASE_IMAGE,
      cacheDir: CACHE_DIR,
      hostPython,
      log: () => undefined,
      dockerfilePath: path.join(FIXTURES, 'docker-broken', 'Dockerfile'),
    });
    const error = await broken
      .prepare(app, () => undefined)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('DOCKER');
    expect((error as BenchError).message).toContain('crossover-broken-step: about to fail');
    expect((error as BenchError).message).toMatch(/returned a non-zero code: 7/);
    const leftovers = await docker.listContainers({ all: true, filters: { status: ['exited', 'created'] } });
    expect(leftovers.filter((c) => c.Command.includes('crossover-broken-step'))).toEqual([]);
  });

  it('reuses the image on the second prepare()', async () => {
    const first = await runtime.prepare(app, () => undefined);
    const second = await runtime.prepare(app, () => undefined);
    expect(first.imageId).toMatch(/^sha256:/);
    expect(second).toMatchObject({ imageId: first.imageId, cached: true, prepareS: 0, baseImage: BASE_IMAGE });
    expect(second.pythonVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(second.packages).toMatchObject({ starlette: '1.10.0', uvicorn: '0.54.0' });
  });

  it('starts a container that answers /json on loopback and leaves nothing behind after stop()', async () => {
    const prepared = await runtime.prepare(app, () => undefined);
    const port = await findFreePort();
    const settings = workerSettings(app, 1, 4);
    const running = await runtime.start({ prepared, port, settings, databaseUrl: 'postgres://u:p@127.0.0.1:1/hello_world', cpus: [0], runId });
    try {
      expect(running.baseUrl).toBe(`http://127.0.0.1:${port}`);
      const response = await waitForJson(`${running.baseUrl}/json`, running);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toEqual({ message: 'Hello, World!' });

      const env = (await (await fetch(`${running.baseUrl}/env`)).json()) as Record<string, string>;
      expect(env).toMatchObject({ PORT: String(port), WORKERS: '1', DB_POOL_SIZE: String(settings.poolSize), FIXTURE_POOL: String(settings.poolSize) });

      expect(running.resourceTarget.kind).toBe('cgroup');
      if (running.resourceTarget.kind === 'cgroup') {
        expect(await readFile(path.join(running.resourceTarget.path, 'cpu.stat'), 'utf8')).toMatch(/usage_usec \d+/);
      }
    } finally {
      await running.stop();
      await running.stop();
    }
    expect(await running.exited).toHaveProperty('code');
    const mine = await docker.listContainers({ all: true, filters: { label: [`crossover-bench.run=${runId}`] } });
    expect(mine).toEqual([]);
  });
});

/** Polls until the app answers (uvicorn needs about a second); fails with the app's last log lines. */
async function waitForJson(url: string, running: { lastLogLines(count?: number): Promise<string[]> }): Promise<Response> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await fetch(url);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${url} did not answer within 30 s (${String(lastError)}); app log:\n${(await running.lastLogLines(20)).join('\n')}`);
}
