import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareOutDir } from '../../harness/commands/out-dir.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'crossover-out-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('prepareOutDir', () => {
  it('creates a missing folder, parents included, and accepts an empty one; it returns only the folders it created', async () => {
    const dir = path.join(tmp, 'a', 'b', 'run');
    expect(await prepareOutDir(dir)).toEqual([path.join(tmp, 'a'), path.join(tmp, 'a', 'b'), dir]);
    expect(await readdir(dir)).toEqual([]);
    // The user's existing empty folder: nothing created, so nothing the run would remove.
    expect(await prepareOutDir(dir)).toEqual([]);
  });

  it.each([
    [
      'an existing file',
      async () => {
        const f = path.join(tmp, 'file');
        await writeFile(f, 'x');
        return f;
      },
      /is an existing file/,
    ],
    [
      'a folder holding files',
      async () => {
        const d = path.join(tmp, 'full');
        await mkdir(d);
        await writeFile(path.join(d, 'results.json'), '{}');
        return d;
      },
      /already holds 1 entry \(results\.json\)/,
    ],
    ['a path under /proc', async () => '/proc/x', /cannot create the folder \/proc\/x \(for --out \/proc\/x\): ENOENT/],
    [
      'a path under a file',
      async () => {
        const f = path.join(tmp, 'file2');
        await writeFile(f, 'x');
        return path.join(f, 'run');
      },
      /cannot be (created|inspected)/,
    ],
  ])('refuses %s as a usage error naming the path and the fix', async (_what, make, message) => {
    const out = await make();
    const error = await prepareOutDir(out).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; hint: string },
    );
    expect(error?.code).toBe('USAGE');
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(out);
    expect(error?.hint).toMatch(/folder/);
  });
});
