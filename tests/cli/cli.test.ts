import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';
import { sixFrameworkResults } from './fixture.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'crossover.js');
/** Spawns the real CLI; nothing here starts a database or an app, so each call ends in about a second. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  execa('node', [BIN, ...args], { reject: false, timeout: 60_000, env: { ...env, NO_COLOR: '1' }, extendEnv: true, stdin: 'ignore' });

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'crossover-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.concurrent('usage errors exit 2, help and version exit 0', () => {
  it('--version prints the version and exits 0', async () => {
    const r = await cli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  });

  it('--help exits 0 and documents exit codes and colour', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 ok, 2 usage');
    expect(r.stdout).toContain('NO_COLOR');
  });

  it.each([
    ['an unknown option', ['run', '--nope'], /unknown option '--nope'/],
    ['an unknown command', ['nope'], /unknown command 'nope'/],
    ['a bad choice', ['run', '--profile', 'nope'], /argument 'nope' is invalid/],
    ['a missing argument', ['compare', 'only-one'], /missing required argument 'candidate'/],
    ['--quiet with --verbose', ['-q', '--verbose', 'list'], /cannot be used with/],
    ['compare --relative with --absolute', ['compare', 'a', 'b', '--relative', '--absolute'], /'--relative' cannot be used with option '--absolute'/],
    ['no command', [], /Usage: crossover/],
    ['an unknown framework', ['run', '--frameworks', 'nope'], /unknown framework 'nope'/],
    ['a bad --sort', ['report', 'x', '--sort', 'speed'], /argument 'speed' is invalid/],
    [
      'several interpreters in Docker',
      ['run', '--python', 'python3,python3', '--runtime', 'docker'],
      /^error: --python python3,python3: several interpreters run in local virtualenvs, not in Docker/,
    ],
  ])('%s exits 2', async (_what, args, message) => {
    const r = await cli(args);
    expect(r.stderr).toMatch(message);
    expect(r.exitCode).toBe(2);
  });
});

describe('--no-wait', () => {
  it('refuses at once with exit 3 and one line while another run holds the measuring lock, and creates no folder', async () => {
    const lock = path.join(tmp, 'measuring.lock');
    // A live process standing in for the measuring run (the lock records pid, start time and folder).
    const other = execa('node', ['-e', 'setInterval(() => {}, 1000)'], { reject: false });
    try {
      const procStat = await readFile(`/proc/${other.pid}/stat`, 'utf8');
      await writeFile(lock, `${other.pid} ${procStat.slice(procStat.lastIndexOf(')') + 2).split(' ')[19]}\n/work/elsewhere/results/a-quick\n`);
      const out = path.join(tmp, 'refused');
      const r = await cli(['run', '--no-wait', '--frameworks', 'flask', '--out', out], { CROSSOVER_MEASURING_LOCK: lock });
      expect(r.exitCode).toBe(3);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
        `error: another crossover run (pid ${other.pid}, /work/elsewhere/results/a-quick) is measuring on this machine, and --no-wait was given`,
      ]);
      expect(r.stderr).not.toContain('plan:');
      await expect(stat(out)).rejects.toThrow(/ENOENT/);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe.concurrent('--out is checked before anything starts', () => {
  it('refuses an existing file', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, 'x');
    const r = await cli(['run', '--out', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error: --out ${file} is an existing file, not a folder`);
    // Nothing started: the plan (printed just before provisioning) never appeared.
    expect(r.stderr).not.toContain('plan:');
  });

  it('refuses a folder that already holds a run', async () => {
    const dir = path.join(tmp, 'used');
    await mkdir(dir);
    await writeFile(path.join(dir, 'results.json'), '{}');
    const r = await cli(['run', '--out', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--out ${dir} already holds 1 entry (results.json)`);
  });

  it('refuses a path that cannot be created, at once (/proc/x used to hang)', async () => {
    const started = Date.now();
    const r = await cli(['run', '--out', '/proc/x/run']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('cannot create the folder /proc/x (for --out /proc/x/run): ENOENT');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('report on a run folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(tmp, 'run');
    await mkdir(dir);
    await writeFile(path.join(dir, 'results.json'), JSON.stringify(sixFrameworkResults()));
  });

  it.each([80, 120])('fits %i columns and writes every report file', async (columns) => {
    const r = await cli(['report', dir], { COLUMNS: String(columns) });
    expect(r.exitCode).toBe(0);
    expect(Math.max(...r.stdout.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(columns);
    expect(r.stderr).toContain('benchmark-action*.json leave out 3 flagged cell(s)');
    for (const f of ['results.md', 'results.csv', 'benchmark-action.json', 'benchmark-action-latency.json', 'report.html'])
      expect((await stat(path.join(dir, f))).size).toBeGreaterThan(0);
  });

  it('--json prints one summary object on stdout and the tables on stderr', async () => {
    const r = await cli(['--json', 'report', dir]);
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout) as { runId: string; cells: unknown[] };
    expect(summary.runId).toBe('20261121T000000Z-standard');
    expect(summary.cells).toHaveLength(sixFrameworkResults().cells.length);
    expect(r.stderr).toContain('Requests per second');
  });

  it('--quiet prints only the tables', async () => {
    const r = await cli(['report', dir, '-q']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Requests per second');
    expect(r.stderr).toBe('');
  });

  it('a folder without results.json is exit 3', async () => {
    const r = await cli(['report', path.join(tmp, 'missing')]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^error: cannot read .*results\.json/);
  });
});
