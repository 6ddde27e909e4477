import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/paths.ts';

/** Any sign of a TypeScript loader in a process: tsx, its esbuild service, a loader flag, a .ts entry point. */
const LOADER = /tsx|esbuild|--import|--loader|--experimental-loader|\.ts(\s|$)/;
/** How often the process tree is read while the run goes on: the load children live about 1-2 s each. */
const POLL_MS = 20;

/** Parent of every process, from /proc/<pid>/stat (the field after the parenthesised command name). */
async function parentsByPid(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[1]) parents.set(Number(entry), Number(fields[1]));
  }
  return parents;
}

/** Every descendant of `root`, at this instant. */
async function descendants(root: number): Promise<number[]> {
  const parents = await parentsByPid();
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [pid, ppid] of parents) if (frontier.includes(ppid)) next.push(pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** A process's argv and its NODE_OPTIONS (where a loader could hide), or undefined once it is gone. */
async function describeProcess(pid: number): Promise<{ argv: string; nodeOptions: string } | undefined> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline === '') return undefined;
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  const nodeOptions = environ.split('\0').find((line) => line.startsWith('NODE_OPTIONS=')) ?? '';
  return { argv: cmdline.split('\0').filter(Boolean).join(' '), nodeOptions };
}

describe('npx crossover runs plain JavaScript', () => {
  let out: string;

  beforeAll(async () => {
    // The CLI runs dist/: build it from the sources under test (incremental, so quick when current).
    await execa(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT });
    out = await mkdtemp(path.join(os.tmpdir(), 'crossover-compiled-'));
  });

  afterAll(async () => {
    // The run's figures are not this test's business: nothing of it is kept.
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('starts no TypeScript loader in the CLI or any process below it', async () => {
    const cli = execa(
      process.execPath,
      ['bin/crossover.js', 'run', '--frameworks', 'flask', '--scenarios', 'json', '--duration', '1', '--warmup', '0', '--runtime', 'local', '--out', out],
      { cwd: REPO_ROOT, reject: false, timeout: 300_000, env: { NODE_OPTIONS: '' } },
    );
    const seen = new Map<number, { argv: string; nodeOptions: string }>();
    let running = true;
    const done = cli.finally(() => {
      running = false;
    });
    while (running) {
      for (const pid of [cli.pid!, ...(await descendants(cli.pid!))]) {
        const described = await describeProcess(pid);
        // A pid's first sighting can be the moment between fork and exec: keep the latest argv.
        if (described) seen.set(pid, described);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const result = await done;
    expect(result.exitCode, `crossover run failed: ${String(result.stderr).split('\n').slice(-5).join(' | ')}`).toBe(0);

    const all = [...seen.values()];
    const nodeChildren = all.filter((p) => /(^|\/)node\s/.test(p.argv) && !p.argv.includes('bin/crossover.js'));
    // The load generator and the canned-response server were seen, as compiled siblings in dist/.
    expect(nodeChildren.some((p) => /dist\/load\/autocannon-server-child\.js/.test(p.argv))).toBe(true);
    expect(nodeChildren.some((p) => /dist\/ceilings\/trivial-server-child\.js/.test(p.argv))).toBe(true);
    expect(all.filter((p) => LOADER.test(p.argv)).map((p) => p.argv)).toEqual([]);
    expect(all.filter((p) => LOADER.test(p.nodeOptions)).map((p) => `${p.argv}: ${p.nodeOptions}`)).toEqual([]);
  });
});
