import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultRun, reap, report, SMALL_RUN, shellStatus, sleep, startRun, waitUntilGone } from './support.ts';

/** Usage errors are found before anything starts: well inside this, even on a loaded machine. */
const USAGE_EXIT_MS = 20_000;

const runs: FaultRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await reap(run);
});

async function usageCase(name: string, args: string[], o: { message: RegExp }) {
  const run = startRun(name, args, { via: 'node', outArg: false });
  runs.push(run);
  const exited = await Promise.race([run.exit, sleep(USAGE_EXIT_MS + 10_000).then(() => undefined)]);
  expect(exited, `${name}: no exit within ${(USAGE_EXIT_MS + 10_000) / 1000} s; output:\n${run.output()}`).toBeDefined();
  const exit = exited!;
  report(name, { code: exit.code, signal: exit.signal, exitS: (exit.atMs - run.startedAt) / 1000 });
  expect(shellStatus(exit), run.output()).toBe(2);
  expect(exit.atMs - run.startedAt).toBeLessThan(USAGE_EXIT_MS);
  expect(run.output()).toMatch(o.message);
  // Nothing was started: no database, no app, no stack trace.
  expect(run.output()).not.toMatch(/database: |creating virtualenv|starting on|\n\s+at /);
  expect((await waitUntilGone(run, 2_000)).left).toEqual({ processes: [], dataDirs: [], listening: [], containers: [] });
}

describe('usage errors exit 2 before anything starts', () => {
  it('--profile nope', async () => {
    await usageCase('profile-nope', [...SMALL_RUN, '--profile', 'nope'], { message: /nope/ });
  });

  it('an unknown flag', async () => {
    await usageCase('unknown-flag', [...SMALL_RUN, '--bogus'], { message: /--bogus/ });
  });

  it('--out naming an existing regular file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-fault-outfile-'));
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    try {
      await usageCase('out-is-file', [...SMALL_RUN, '--out', file], { message: /a-file/ });
      expect(readFileSync(file, 'utf8')).toBe('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--out under /proc, which cannot be created', async () => {
    await usageCase('out-proc', [...SMALL_RUN, '--out', '/proc/x'], { message: /\/proc\/x/ });
  });
});
