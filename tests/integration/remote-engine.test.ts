import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, type Link, listInterfaces, listNamespaces, planLink, runTag } from '../../harness/net/link.ts';
import { dockerTestGate, TEST_BASE_IMAGE } from '../support/docker.ts';
import { runApps } from '../support/run.ts';

/**
 * The app on a remote Docker engine (`--app-host tcp://...`), for real: a second dockerd,
 * started by this test inside a network namespace with its own address on a veth pair,
 * stands in for the app host. The harness builds the app's image on that engine, runs the
 * container on its host network (the namespace), samples it through the engine's stats API,
 * and its apps reach the embedded database through a relay on the veth's host end (the
 * address this machine uses toward the engine). The load generator and the database stay
 * here. Traffic stays on this machine: 127.0.0.1 and the namespace's 10.231.x.x/30.
 *
 * The engine listens on plain HTTP (2375, no TLS): acceptable only because its address
 * exists inside a namespace this test created and is removed with it. `ssh://` and TLS
 * engines are unit-tested only (tests/net/docker-engine.test.ts).
 */
const FLAGS = { runtime: 'docker', profile: 'quick', scenarios: 'json,db', dbRtt: '0', duration: '2', warmup: '1', baseImage: TEST_BASE_IMAGE } as const;
/** Docker's registered plain-HTTP port. */
const ENGINE_PORT = 2375;
/**
 * Link index of the engine's namespace: --db-rtt's netem links count up from 0 and the
 * app namespace takes 62 (harness/net/app-host.ts); 61 meets neither.
 */
const ENGINE_LINK_INDEX = 61;
/** A dockerd starts in a few seconds; a loaded CI machine gets a minute. */
const ENGINE_START_MS = 60_000;
/** dockerd stops its containerd and unmounts on SIGTERM within seconds; after this it is killed. */
const ENGINE_STOP_MS = 20_000;

const isRoot = process.getuid?.() === 0;
const hasDockerd = (await execa('dockerd', ['--version'], { reject: false })).exitCode === 0;
const gate = await dockerTestGate('the remote engine test');
const runTests = gate.run && (Boolean(process.env.CI) || (isRoot && hasDockerd));
if (gate.run && !runTests) console.warn(`SKIPPING the remote engine test: it needs root and dockerd (root: ${isRoot}, dockerd: ${hasDockerd})`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(runTests)('--app-host tcp://: the app on a second Docker engine in a network namespace', () => {
  const plan = planLink(`remote-engine-test-${process.pid}-${Date.now()}`, ENGINE_LINK_INDEX);
  const engineUrl = `tcp://${plan.nsAddr}:${ENGINE_PORT}`;
  let dir = '';
  let socket = '';
  let link: Link | undefined;
  let dockerd: ChildProcess | undefined;
  let dockerdExited: Promise<void> = Promise.resolve();
  let engine: Docker;
  const setupMs: Record<string, number> = {};

  beforeAll(async () => {
    if (!gate.ready.ok) throw new Error(`the remote engine test needs Docker: ${gate.ready.reason}`);
    let t = Date.now();
    dir = await mkdtemp(path.join(os.tmpdir(), 'crossover-engine-'));
    socket = path.join(dir, 'docker.sock');
    link = await createLink(plan);
    // An empty config file: the machine's /etc/docker/daemon.json is the first engine's.
    await writeFile(path.join(dir, 'daemon.json'), '{}\n');
    // Straight into a file (not through a pipe of this process): its debug log is long.
    const logFd = openSync(path.join(dir, 'dockerd.log'), 'a');
    // nsenter joins the namespace's network only: `ip netns exec` also remounts /sys, which hides the cgroup mounts dockerd needs.
    dockerd = spawn(
      'nsenter',
      [
        ...[`--net=/run/netns/${plan.netns}`, 'dockerd', '--config-file', path.join(dir, 'daemon.json')],
        ...['--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'dockerd.pid')],
        // --tls=false says plain HTTP is meant: without it dockerd 20.10+ waits 15 s to show its warning.
        ...['-H', engineUrl, '-H', `unix://${socket}`, '--tls=false'],
        // No bridge and no iptables rules: the apps use the host network (here, the namespace's), image builds none.
        ...['--bridge=none', '--iptables=false', '--ip-masq=false'],
        // Every API call in the log: the test reads the stats requests from it.
        '--debug',
      ],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    const child = dockerd;
    dockerdExited = new Promise((resolve) => child.once('exit', () => resolve()));
    engine = new Docker({ socketPath: socket });
    const deadline = Date.now() + ENGINE_START_MS;
    for (;;) {
      if (
        await engine.ping().then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline || dockerd.exitCode !== null || dockerd.signalCode !== null)
        throw new Error(`the second dockerd did not start:\n${await engineLog(20)}`);
      await sleep(250);
    }
    setupMs.engineStart = Date.now() - t;
    t = Date.now();
    // The engine has no registry to pull from: the base image comes from the first engine.
    const tar = path.join(dir, 'base-image.tar');
    await execa('docker', ['save', '--output', tar, TEST_BASE_IMAGE]);
    await execa('docker', ['-H', `unix://${socket}`, 'load', '--input', tar]);
    await rm(tar);
    setupMs.imageLoad = Date.now() - t;
  }, 300_000);

  afterAll(async () => {
    // Every path: whatever of the engine, its namespace and veth pair exists is removed.
    if (engine) {
      const left = await engine.listContainers({ all: true }).catch(() => []);
      for (const c of left)
        await engine
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
    }
    if (dockerd && dockerd.exitCode === null && dockerd.signalCode === null) {
      dockerd.kill('SIGTERM');
      const timer = setTimeout(() => dockerd?.kill('SIGKILL'), ENGINE_STOP_MS);
      await dockerdExited;
      clearTimeout(timer);
    }
    // A killed dockerd leaves its containerd and mounts behind.
    if (dir) {
      for (const pid of String((await execa('pgrep', ['-f', dir], { reject: false })).stdout)
        .split('\n')
        .filter(Boolean)) {
        await execa('kill', ['-9', pid], { reject: false });
      }
      const mounts = String((await execa('findmnt', ['-rn', '-o', 'TARGET'], { reject: false })).stdout)
        .split('\n')
        .filter((m) => m.startsWith(dir))
        .reverse();
      for (const m of mounts) await execa('umount', ['-l', m], { reject: false });
    }
    await link?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
    console.log(`remote engine setup: ${JSON.stringify(setupMs)} ms`);
  }, 120_000);

  const engineLog = async (lines: number) => (await readFile(path.join(dir, 'dockerd.log'), 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');

  it('builds, runs, samples and removes the app on that engine; the cells are measured and verified; the topology is recorded', async () => {
    const t = Date.now();
    const { out, results, log } = await runApps(['flask'], { ...FLAGS, appHost: engineUrl });
    setupMs.run = Date.now() - t;
    try {
      const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.stage}: ${c.failure?.reason}`);
      expect(failures, log.join('\n')).toEqual([]);
      expect(results.cells.map((c) => c.id)).toEqual(['flask/json/c64', 'flask/db/c64']);
      for (const c of results.cells) {
        expect(c.verification?.problems).toEqual([]);
        expect(c.repeats[0]!.measurement.requests2xx).toBeGreaterThan(0);
        // The container's CPU and memory, read through the engine's stats API.
        const app = c.repeats[0]!.resources?.app;
        expect(app, `${c.id}: no CPU and memory figures from the engine`).toBeDefined();
        expect(app?.samples, c.id).toBeGreaterThan(0);
        expect(app?.cpuMeanUtil, c.id).toBeGreaterThan(0);
        expect(app?.memPeakBytes, c.id).toBeGreaterThan(0);
      }
      expect(results.runtime).toMatchObject({ kind: 'docker', baseImage: TEST_BASE_IMAGE });
      expect(results.runtime.reason).toContain(`--app-host ${engineUrl}: Docker daemon answered at ${engineUrl}`);
      const topology = results.topology!;
      expect(topology.app).toEqual({ host: plan.nsAddr, engine: engineUrl, cpus: expect.any(Array) });
      expect(topology.app.cpus!.length).toBe(results.cpuLayout.appCpus.length);
      expect(topology.loadgen).toBe('local');
      expect(topology.database.host).toBe('127.0.0.1');
      expect(topology.database.via).toBe(`relay on ${plan.hostAddr} (toward ${plan.nsAddr})`);
      const appsLine = log.find((l) => l.includes(`apps: on Docker engine ${engineUrl}`));
      expect(appsLine, log.join('\n')).toBeDefined();
      console.log(appsLine);
      expect(log.some((l) => l.includes('building crossover-bench/flask:'))).toBe(true);
      // The relay's CPU is sampled as the proxy's.
      expect(results.cells[1]!.repeats[0]!.resources?.proxy).toBeDefined();
      // The image was built there, and the harness asked that engine, not cgroup files, for the container's figures.
      expect((await engine.listImages({ filters: { reference: ['crossover-bench/flask'] } })).length).toBe(1);
      const statsCalls = (await engineLog(Number.POSITIVE_INFINITY)).match(/Calling GET (\/v[\d.]+)?\/containers\/[0-9a-f]+\/stats\?/g) ?? [];
      expect(statsCalls.length).toBeGreaterThan(2);
      // Nothing of the run is left: no container on the engine, no relay, no namespace of the run.
      expect(await engine.listContainers({ all: true })).toEqual([]);
      const tag = runTag(results.runId);
      expect(String((await execa('pgrep', ['-f', `crossover-relay-${tag}`], { reject: false })).stdout).trim()).toBe('');
      expect((await listNamespaces()).filter((n) => n.includes(tag))).toEqual([]);
      expect((await listInterfaces()).filter((i) => i.includes(tag.slice(0, 6)))).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 900_000);
});
