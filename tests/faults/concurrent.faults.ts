import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';
import { type FaultRun, reap, report, SMALL_RUN, shellStatus, startRun, waitUntilGone } from './support.ts';

const runs: FaultRun[] = [];
const outDirs: string[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
  for (const dir of outDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('two runs at once', () => {
  it('started in the same second with the default output folder: both complete, in two folders, on their own ports', async () => {
    const started = Date.now();
    // No --out: both ask for results/<same stamp>-quick.
    const a = startRun('concurrent-a', SMALL_RUN, { via: 'node', outArg: false });
    const b = startRun('concurrent-b', SMALL_RUN, { via: 'node', outArg: false });
    runs.push(a, b);
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    const outs = [a, b].map((r) => /writing to (\S+)/.exec(r.output())?.[1]);
    outDirs.push(...outs.filter((o): o is string => o !== undefined).map((o) => path.resolve(REPO_ROOT, o)));
    for (const [run, exit] of [
      [a, ea],
      [b, eb],
    ] as const) {
      report(run.name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - started) / 1000 });
      expect(shellStatus(exit), run.output()).toBe(0);
    }
    expect(outs[0]).toBeDefined();
    expect(outs[1]).toBeDefined();
    expect(outs[0]).not.toBe(outs[1]);
    for (const out of outs) expect(existsSync(path.join(REPO_ROOT, out!, 'results.json'))).toBe(true);
    // Each run's database and app on ports of its own.
    const portsOf = (r: FaultRun) => new Set([...r.output().matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]));
    const shared = [...portsOf(a)].filter((p) => portsOf(b).has(p));
    expect(shared).toEqual([]);
    for (const run of [a, b]) expect((await waitUntilGone(run, 5_000)).left).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
  });
});
