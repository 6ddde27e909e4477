import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCleanups } from '../../harness/cleanup.ts';
import { APP_LINK_INDEX } from '../../harness/net/app-host.ts';
import { listInterfaces, listNamespaces, runTag } from '../../harness/net/link.ts';
import { runApps } from '../support/run.ts';

/**
 * The app on a second "host": `--app-host netns` starts it in a network namespace with its
 * own address on a veth pair, reaching the database on the host through a relay on the
 * veth's host end, while the load generator on the host targets the namespace's address.
 * Traffic stays on this machine: 127.0.0.1 and the namespace's 10.231.x.x/30.
 */
const FLAGS = { runtime: 'local', profile: 'quick', scenarios: 'json,db', dbRtt: '0', duration: '2', warmup: '1' } as const;

const appNamespaces = async () => (await listNamespaces()).filter((n) => n.startsWith('crossover-') && n.endsWith(`-${APP_LINK_INDEX}`));
const relays = async (tag: string) => String((await execa('pgrep', ['-f', `crossover-relay-${tag}`], { reject: false })).stdout).trim();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('--app-host netns: the app in its own network namespace', () => {
  it('measures real cells against the namespace address, records the topology and leaves nothing behind', async () => {
    const before = await appNamespaces();
    const { out, results, log } = await runApps(['flask'], { ...FLAGS, appHost: 'netns' });
    try {
      const failures = results.cells.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.failure?.stage}: ${c.failure?.reason}`);
      expect(failures).toEqual([]);
      expect(results.cells.map((c) => c.id)).toEqual(['flask/json/c64', 'flask/db/c64']);
      for (const c of results.cells) {
        expect(c.verification?.problems).toEqual([]);
        expect(c.repeats[0]!.measurement.requests2xx).toBeGreaterThan(0);
      }
      const tag = runTag(results.runId);
      const topology = results.topology!;
      expect(topology.app.netns).toBe(`crossover-${tag}-${APP_LINK_INDEX}`);
      expect(topology.app.host).toMatch(/^10\.231\.\d+\.\d+$/);
      expect(topology.loadgen).toBe('local');
      expect(topology.database.host).toBe('127.0.0.1');
      expect(topology.database.via).toMatch(/^relay on 10\.231\.\d+\.\d+ \(veth xbh/);
      expect(log.some((l) => l.includes(`apps: in network namespace ${topology.app.netns} at ${topology.app.host}`))).toBe(true);
      // The relay's CPU is sampled as the proxy's.
      expect(results.cells[1]!.repeats[0]!.resources?.proxy).toBeDefined();
      expect(await appNamespaces()).toEqual(before);
      expect((await listInterfaces()).filter((i) => i.includes(tag.slice(0, 6)))).toEqual([]);
      expect(await relays(tag)).toBe('');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 900_000);

  it('a Ctrl-C cleanup while the app runs in its namespace removes the namespace, the veth and the relay', async () => {
    const before = await appNamespaces();
    const run = runApps(['flask'], { ...FLAGS, appHost: 'netns' }).then(
      (r) => r,
      (error: unknown) => error as Error,
    );
    // Wait until the app is inside its namespace: the run is measuring, or about to.
    let ns: string | undefined;
    let appPids: number[] = [];
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline && !ns) {
      for (const candidate of (await appNamespaces()).filter((n) => !before.includes(n))) {
        const pids = String((await execa('ip', ['netns', 'pids', candidate], { reject: false })).stdout).trim();
        if (pids) {
          ns = candidate;
          appPids = pids.split('\n').map(Number);
        }
      }
      if (!ns) await sleep(200);
    }
    expect(ns, 'the app never started in a namespace').toBeDefined();
    const warnings: string[] = [];
    // What Ctrl-C runs (harness/cleanup.ts stopOnSignal), without exiting the test process.
    await runCleanups((line) => warnings.push(line));
    const outcome = await run;
    const tag = ns!.replace(/^crossover-/, '').replace(/-\d+$/, '');
    // With the database stopped under it the run may end in an error; its folder is found by its tag either way.
    console.log(`run after the cleanup: ${outcome instanceof Error ? `error: ${outcome.message}` : `status ${outcome.results.status}`}`);
    for (const dir of (await readdir(os.tmpdir())).filter((d) => d.startsWith('crossover-test-') && runTag(d) === tag)) {
      await rm(path.join(os.tmpdir(), dir), { recursive: true, force: true });
    }
    expect(await appNamespaces()).toEqual(before);
    expect((await listInterfaces()).filter((i) => i.includes(tag.slice(0, 6)))).toEqual([]);
    expect(await relays(tag)).toBe('');
    // The app's processes, which were inside the namespace, are gone too.
    const alive = appPids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 900_000);
});
