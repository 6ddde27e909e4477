import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';
import { readResults } from '../../harness/results/read.ts';
import { dockerTestGate, harnessContainers, TEST_BASE_IMAGE } from '../support/docker.ts';
import { FIXTURE_APPS, runApps } from '../support/run.ts';

// Real images and containers. CI (.ci/docker-setup.sh) provides dockerd and the offline base
// image, and there these tests must run; elsewhere they skip with the reason printed.
const { run, ready } = await dockerTestGate('Docker integration tests');

async function dockerRun(frameworks: string[], scenarios: string, appsDir?: string) {
  if (!ready.ok) throw new Error(`Docker integration tests need Docker: ${ready.reason}`);
  return runApps(frameworks, { scenarios, runtime: 'docker', baseImage: TEST_BASE_IMAGE, duration: '2', warmup: '1' }, appsDir);
}

describe.runIf(run)('Docker runtime end to end', () => {
  it('builds, verifies and measures a sync (flask) and an async (fastapi) app through json and db, and leaves no container', async () => {
    const { out, results } = await dockerRun(['flask', 'fastapi'], 'json,db');
    expect(results.runtime.kind).toBe('docker');
    expect(results.cells.map((c) => `${c.id} ${c.status}`)).toEqual(['flask/json/c64 ok', 'flask/db/c64 ok', 'fastapi/json/c64 ok', 'fastapi/db/c64 ok']);
    for (const cell of results.cells) {
      const m = cell.repeats[0]!.measurement;
      expect(m.rps, cell.id).toBeGreaterThan(0);
      expect(m.errors + m.non2xx + m.timeouts, cell.id).toBe(0);
      // CPU read from the container's cgroup while it served.
      expect(cell.repeats[0]!.resources?.app?.cpuMeanUtil, cell.id).toBeGreaterThan(0);
    }
    for (const name of ['flask', 'fastapi']) {
      const app = results.apps[name]!;
      expect(app.imageId).toMatch(/^sha256:/);
      expect(app.baseImage).toBe(TEST_BASE_IMAGE);
      expect(app.pythonVersion).toMatch(/^3\.1[3-9]/);
      // pip freeze taken inside the image.
      expect(Object.keys(app.packages).length).toBeGreaterThan(5);
    }
    expect(results.apps['flask']!.keyPackages['gunicorn']).toMatch(/^\d+\./);
    expect((await readResults(out)).status).toBe('complete');
    expect(await harnessContainers()).toEqual([]);
  });

  it('reports a failing app as failed, keeps its log lines, and removes its container', async () => {
    const { results } = await dockerRun(['broken'], 'json', FIXTURE_APPS);
    expect(results.cells[0]).toMatchObject({ status: 'failed', failure: { stage: 'verify' } });
    expect(results.cells[0]!.repeats).toEqual([]);
    expect(await harnessContainers()).toEqual([]);
  });

  it('stops containers and the database on Ctrl-C and keeps what was measured', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'crossover-sigint-'));
    // The run keeps its results, as it must; the test made the folder, so the test removes it, pass or fail.
    onTestFinished(() => rm(out, { recursive: true, force: true }));
    const child = execa(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin', 'crossover.js'),
        'run',
        '--runtime',
        'docker',
        '--base-image',
        TEST_BASE_IMAGE,
        '--frameworks',
        'fastapi',
        '--scenarios',
        'json,db',
        '--duration',
        '20',
        '--warmup',
        '0',
        '--out',
        out,
      ],
      { reject: false, all: true },
    );
    // Interrupt once the first cell has been measured and the second is under way.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the run never reached its second cell')), 300_000);
      child.all?.on('data', (chunk: Buffer) => {
        if (/fastapi\/json\/c64: \d+ req\/s/.test(chunk.toString())) {
          clearTimeout(timer);
          setTimeout(() => {
            child.kill('SIGINT');
            resolve();
          }, 3000);
        }
      });
    });
    const done = await child;
    expect(done.exitCode, done.all).toBe(130);
    expect(await harnessContainers()).toEqual([]);
    const results = await readResults(out);
    expect(results.status).toBe('interrupted');
    expect(results.cells.find((c) => c.id === 'fastapi/json/c64')?.repeats).toHaveLength(1);
    expect(await readFile(path.join(out, 'results.md'), 'utf8')).toContain('status interrupted');
    const leftovers = await execa('pgrep', ['-af', 'crossover-pg-|autocannon-(server-)?child'], { reject: false });
    expect(leftovers.stdout).toBe('');
  });
});
