import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDefaultRunDir, makeDirs } from '../../harness/util/run-dir.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('claimDefaultRunDir', () => {
  it('gives two runs started in the same second two folders, even when they ask at the same moment', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'crossover-rundir-'));
    dirs.push(root);
    const wanted = path.join(root, 'results', '20261121T000000Z-quick');
    const claimed = await Promise.all([claimDefaultRunDir(wanted), claimDefaultRunDir(wanted), claimDefaultRunDir(wanted)]);
    expect([...claimed].sort()).toEqual([wanted, `${wanted}-2`, `${wanted}-3`]);
    for (const dir of claimed) expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('says which folder it could not create', async () => {
    await expect(claimDefaultRunDir('/proc/crossover-test/x')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('/proc/crossover-test'),
    });
    expect(existsSync('/proc/crossover-test')).toBe(false);
  });
});

describe('makeDirs', () => {
  it('creates nested folders and fails at once (no hang) under /proc', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'crossover-rundir-'));
    dirs.push(root);
    await makeDirs(path.join(root, 'a', 'b'));
    await makeDirs(path.join(root, 'a', 'b'));
    expect(statSync(path.join(root, 'a', 'b')).isDirectory()).toBe(true);
    await expect(makeDirs('/proc/x/y')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot create the folder \/proc\/x \(for \/proc\/x\/y\): ENOENT/),
    });
  });
});
