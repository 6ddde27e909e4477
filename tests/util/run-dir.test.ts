import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDefaultRunDir, makeDirs } from '../../harness/util/run-dir.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'crossover-rundir-'));
  dirs.push(root);
  return root;
}

describe('claimDefaultRunDir', () => {
  it('gives two runs started in the same second two folders, even when they ask at the same moment', async () => {
    const root = tempRoot();
    const wanted = path.join(root, 'results', '20261121T000000Z-quick');
    const claimed = await Promise.all([claimDefaultRunDir(wanted), claimDefaultRunDir(wanted), claimDefaultRunDir(wanted)]);
    expect(claimed.map((c) => c.dir).sort()).toEqual([wanted, `${wanted}-2`, `${wanted}-3`]);
    for (const { dir } of claimed) expect(statSync(dir).isDirectory()).toBe(true);
    // Exactly one of them created results/; each created its own folder.
    expect(claimed.filter((c) => c.created.includes(path.join(root, 'results')))).toHaveLength(1);
    for (const c of claimed) expect(c.created.at(-1)).toBe(c.dir);
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
  it('creates nested folders, returns those it created, and fails at once (no hang) under /proc', async () => {
    const root = tempRoot();
    expect(await makeDirs(path.join(root, 'a', 'b'))).toEqual([path.join(root, 'a'), path.join(root, 'a', 'b')]);
    expect(await makeDirs(path.join(root, 'a', 'b'))).toEqual([]);
    expect(statSync(path.join(root, 'a', 'b')).isDirectory()).toBe(true);
    await expect(makeDirs('/proc/x/y', '--out /proc/x/y')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot create the folder \/proc\/x \(for --out \/proc\/x\/y\): ENOENT/),
    });
  });

  it('leaves none of its folders behind when the path fails halfway', async () => {
    const root = tempRoot();
    // 300 bytes is over the 255 a Linux file name may have (ENAMETOOLONG), after two folders were made.
    await expect(makeDirs(path.join(root, 'a', 'b', 'x'.repeat(300)))).rejects.toMatchObject({ message: expect.stringMatching(/ENAMETOOLONG/) });
    expect(readdirSync(root)).toEqual([]);
  });
});

const RUN_DIR = path.resolve('harness/util/run-dir.ts');

/**
 * A node process that claims `<root>/results/<stamp>-quick` and registers its removal, as
 * `crossover run` does, prints the folder, then ends the way `how` says.
 */
function claimingChild(root: string, how: 'exit 3' | 'wait' | 'write then exit 0' | 'throw') {
  const end = {
    'exit 3': 'process.exit(3);',
    wait: 'setInterval(() => {}, 1000);',
    'write then exit 0': `process.getBuiltinModule('node:fs').writeFileSync(claim.dir + '/results.json', '{}');`,
    throw: `throw new Error('a bug');`,
  }[how];
  const script = `
    import { installStopHandlers } from ${JSON.stringify(path.resolve('harness/cleanup.ts'))};
    import { claimDefaultRunDir, removeEmptyAtExit } from ${JSON.stringify(RUN_DIR)};
    installStopHandlers();
    const claim = await claimDefaultRunDir(${JSON.stringify(path.join(root, 'results', '20261121T000000Z-quick'))});
    removeEmptyAtExit(claim.created);
    console.log(claim.dir);
    ${end}
  `;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  const claimed = new Promise<string>((resolve, reject) => {
    p.stdout.once('data', (c: Buffer) => resolve(c.toString().trim()));
    void exited.then(() => reject(new Error(`the child exited before claiming a folder: ${stderr}`)));
  });
  return { p, claimed, exited };
}

describe('removeEmptyAtExit', () => {
  it.each(['exit 3', 'throw'] as const)('a process that ends with %s before writing removes the folder and the results/ it created', async (how) => {
    const root = tempRoot();
    const c = claimingChild(root, how);
    expect(await c.claimed).toBe(path.join(root, 'results', '20261121T000000Z-quick'));
    expect(await c.exited).toBe(how === 'exit 3' ? 3 : 1);
    expect(readdirSync(root)).toEqual([]);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s before the first write removes the folder, and leaves a results/ that was there', async (signal, code) => {
    const root = tempRoot();
    mkdirSync(path.join(root, 'results'));
    const c = claimingChild(root, 'wait');
    expect(statSync(await c.claimed).isDirectory()).toBe(true);
    c.p.kill(signal);
    expect(await c.exited).toBe(code);
    expect(readdirSync(path.join(root, 'results'))).toEqual([]);
  });

  it('a folder the run wrote into is kept', async () => {
    const root = tempRoot();
    const c = claimingChild(root, 'write then exit 0');
    const dir = await c.claimed;
    expect(await c.exited).toBe(0);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });
});
