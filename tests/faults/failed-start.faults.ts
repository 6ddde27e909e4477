import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNAL_EXIT_CODES } from '../../harness/cleanup.ts';
import { REPO_ROOT } from '../../harness/paths.ts';
import { type FaultRun, reap, report, SMALL_RUN, shellStatus, sleep, startRun, waitForOutput, waitUntilGone } from './support.ts';

/**
 * A run that fails before its first write fails before any database, virtualenv or container
 * starts: 4-5 s alone on this 2-core machine (node's start, a 1 s look at the machine, probing
 * the interpreters); the bound leaves room for a machine loaded by other work.
 */
const FAILED_START_EXIT_MS = 30_000;

/** The contract for signals (docs/faults.md): stopped, everything removed, within 5 s. */
const STOP_WITHIN_MS = 5_000;

/** Where runs without --out write: the checkout's results/ (the runs start in REPO_ROOT). */
const RESULTS = path.join(REPO_ROOT, 'results');

const runs: FaultRun[] = [];
const servers: net.Server[] = [];
const temps: string[] = [];
let before = new Set<string>();

/** Folders in results/ that were not there when the case began. */
const newFolders = () => readdirSync(RESULTS).filter((name) => !before.has(name));

beforeEach(() => {
  before = new Set(readdirSync(RESULTS));
});
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
  for (const server of servers.splice(0)) server.close();
  // Whatever a failing case left in results/ goes, so no later script reads it as a run.
  for (const name of newFolders()) rmSync(path.join(RESULTS, name), { recursive: true, force: true });
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `crossover-fault-${name}-`));
  temps.push(dir);
  return dir;
}

/** A server on a port below 32768 (docs/faults.md keeps the harness's ports there too); `onSocket` gets each connection. */
async function listenBelow32768(onSocket: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = net.createServer(onSocket);
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      servers.push(server);
      return { server, port };
    }
  }
}

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const { server, port } = await listenBelow32768(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An executable that answers the harness's interpreter probe as a Python of `version` would. */
function fakePython(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  const file = path.join(tempDir('python'), `python${version}`);
  writeFileSync(file, `#!/bin/sh\necho '["${file}", ${major}, ${minor}, "${version}"]'\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Starts a run that must fail before writing anything; checks its exit code, its time, its message and that nothing is left. */
async function failedStart(name: string, args: string[], o: { message: RegExp; outArg?: boolean }): Promise<FaultRun> {
  const run = startRun(name, args, { via: 'node', outArg: o.outArg ?? false });
  runs.push(run);
  const exited = await Promise.race([run.exit, sleep(FAILED_START_EXIT_MS + 10_000).then(() => undefined)]);
  expect(exited, `${name}: no exit; output:\n${run.output()}`).toBeDefined();
  const exit = exited!;
  report(name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - run.startedAt) / 1000 });
  expect(shellStatus(exit), run.output()).toBe(3);
  expect(exit.atMs - run.startedAt).toBeLessThan(FAILED_START_EXIT_MS);
  expect(run.output()).toMatch(o.message);
  expect(newFolders(), 'a default folder left in results/').toEqual([]);
  expect((await waitUntilGone(run, 2_000)).left).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
  return run;
}

describe('a run that fails before its first write leaves no empty default folder', () => {
  it('--db postgres://wrong:wrong@127.0.0.1:<a closed port>/x exits 3', async () => {
    const port = await closedPort();
    await failedStart('db-refused', [...SMALL_RUN, '--db', `postgres://wrong:wrong@127.0.0.1:${port}/x`], {
      message: new RegExp(`cannot connect to postgres://wrong:\\*\\*\\*@127\\.0\\.0\\.1:${port}/x`),
    });
  });

  it('--python /nonexistent exits 3', async () => {
    await failedStart('python-missing', [...SMALL_RUN, '--python', '/nonexistent'], { message: /--python \/nonexistent does not run/ });
  });

  it('--python of a 3.11 for django exits 3 and names django, not the apps that were not asked for', async () => {
    // /usr/bin/python3 of Debian bookworm (3.11.2) gives the same line; this stand-in is 3.11 on any machine.
    const python = fakePython('3.11.2');
    const args = [...SMALL_RUN.map((a) => (a === 'flask' ? 'django' : a)), '--python', python];
    const run = await failedStart('python-too-old', args, { message: /is Python 3\.11\.2, too old for django \(3\.12\+\)/ });
    expect(run.output()).not.toMatch(/django-bolt|flask/);
  });
});

describe('a folder named with --out', () => {
  it('that existed (empty) is left exactly as it was when the run fails', async () => {
    const out = path.join(tempDir('out-existing'), 'mine');
    mkdirSync(out, { mode: 0o750 });
    const was = statSync(out);
    await failedStart('out-existing', [...SMALL_RUN, '--python', '/nonexistent', '--out', out], { message: /does not run/ });
    const is = statSync(out);
    expect(readdirSync(out)).toEqual([]);
    expect({ ino: is.ino, mode: is.mode, mtimeMs: is.mtimeMs }).toEqual({ ino: was.ino, mode: was.mode, mtimeMs: was.mtimeMs });
  });

  it('that the run created, parents included, is removed when the run fails before writing into it', async () => {
    const root = tempDir('out-new');
    await failedStart('out-new', [...SMALL_RUN, '--python', '/nonexistent', '--out', path.join(root, 'new', 'run')], { message: /does not run/ });
    expect(existsSync(path.join(root, 'new'))).toBe(false);
  });
});

describe('a signal before the first write leaves no empty default folder', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to the process group while the database is being reached', async (signal) => {
    // A server that accepts and never answers holds the run in its first database connection (up to 10 s), after the folder was claimed.
    const held: net.Socket[] = [];
    const { server, port } = await listenBelow32768((socket) => held.push(socket));
    const name = `signal-before-write-${signal}`;
    const run = startRun(name, [...SMALL_RUN, '--db', `postgres://x:x@127.0.0.1:${port}/x`], { via: 'node', outArg: false });
    runs.push(run);
    await waitForOutput(run, /runtime: /, 60_000);
    for (const deadline = Date.now() + 10_000; held.length === 0 && Date.now() < deadline; ) await sleep(50);
    expect(held.length, run.output()).toBeGreaterThan(0);
    // The folder is there and empty at the moment of the signal, so finding none afterwards means it was removed.
    const claimed = newFolders();
    expect(claimed).toHaveLength(1);
    expect(readdirSync(path.join(RESULTS, claimed[0]!))).toEqual([]);
    const signalledAt = Date.now();
    process.kill(-run.pgid, signal);
    const exit = await run.exit;
    // The stand-in server is the test's, not the run's: it must not count as a port the run left open.
    for (const socket of held) socket.destroy();
    server.close();
    const { left, goneAtMs } = await waitUntilGone(run, STOP_WITHIN_MS + 5_000);
    report(name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - signalledAt) / 1000, goneS: (goneAtMs - signalledAt) / 1000 });
    expect(shellStatus(exit), run.output()).toBe(SIGNAL_EXIT_CODES[signal]);
    expect(exit.atMs - signalledAt).toBeLessThan(STOP_WITHIN_MS);
    expect(newFolders()).toEqual([]);
    expect(left).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
  });
});
