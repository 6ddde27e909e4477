import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NEIGHBOURS_MAX_CORE_SHARE } from '../../harness/analysis/neighbours.ts';
import { allowedCpus, planCpuLayout } from '../../harness/cpu/layout.ts';
import { STEAL_MAX } from '../../harness/resources/steal.ts';
import { type FaultRun, reap, report, shellStatus, startRun, waitForOutput } from './support.ts';

const runs: FaultRun[] = [];
const neighbours: ChildProcess[] = [];
afterEach(async () => {
  for (const n of neighbours.splice(0)) n.kill('SIGKILL');
  for (const run of runs.splice(0)) await reap(run);
});

interface RepeatView {
  resources?: { neighbours?: { coreShare: number; top: { pid: number; comm: string; coreShare: number }[] } };
}

describe('a neighbour busy on the CPUs during a measurement', () => {
  it("a busy loop pinned to the app's core during one cell flags that cell (named, marked, leading the report); the next cell, without it, is not flagged", async () => {
    // On 2 cores the app has the last core to itself (cpu/layout.ts): the neighbour goes there.
    const appCpu = planCpuLayout(await allowedCpus()).appCpus[0]!;
    const run = startRun('neighbour', ['--frameworks', 'flask', '--scenarios', 'json,db', '--duration', '5', '--warmup', '1', '--runtime', 'local'], {
      via: 'node',
    });
    runs.push(run);
    await waitForOutput(run, /measuring flask\/json\/c64 \(repeat 1\)/);
    // Not the run's: no TMPDIR of it, not its child.
    const busy = spawn('taskset', ['-c', String(appCpu), process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
    neighbours.push(busy);
    await waitForOutput(run, /flask\/json\/c64: \d+ req\/s/);
    busy.kill('SIGKILL');
    const exit = await run.exit;
    const results = JSON.parse(readFileSync(path.join(run.out, 'results.json'), 'utf8')) as {
      status: string;
      cells: { id: string; repeats: RepeatView[] }[];
      warnings: { code: string; message: string }[];
    };
    const seen = (id: string) => results.cells.find((c) => c.id === id)!.repeats[0]!.resources?.neighbours;
    const json = seen('flask/json/c64');
    const db = seen('flask/db/c64');
    report('neighbour', { code: exit.code, signal: exit.signal, exitS: (exit.atMs - run.startedAt) / 1000, status: results.status });
    console.log(
      `fault case neighbour: others took ${json?.coreShare.toFixed(2)} of a core during flask/json/c64, ${db?.coreShare.toFixed(2)} during flask/db/c64 (${JSON.stringify(db?.top)})`,
    );
    expect(shellStatus(exit), run.output()).toBe(0);
    // The busy loop: flagged, and named as the busiest.
    expect(json!.coreShare).toBeGreaterThan(NEIGHBOURS_MAX_CORE_SHARE);
    expect(json!.top[0]).toMatchObject({ pid: busy.pid, comm: 'node' });
    // Without it: not flagged. This needs a quiet machine, as every load test here does: anything
    // else that runs meanwhile is a neighbour too, and is named in the message.
    expect(db!.coreShare, `the db cell was disturbed by something else on this machine: ${JSON.stringify(db?.top)}`).toBeLessThanOrEqual(
      NEIGHBOURS_MAX_CORE_SHARE,
    );
    const warning = results.warnings.find((w) => w.code === 'DISTURBED')!.message;
    expect(warning).toContain(`flask/json/c64 repeat 1: other processes took`);
    expect(warning).toContain(`node (pid ${busy.pid})`);
    // The db cell may still be flagged for the hypervisor's steal (a CI run on an overcommitted
    // host had it): that is a true flag, not the busy loop's, and the message says which.
    const dbSteal = (db as { stealShare?: number } | undefined)?.stealShare ?? 0;
    const dbStolen = dbSteal > STEAL_MAX;
    if (dbStolen) console.log(`fault case neighbour: the hypervisor took ${(dbSteal * 100).toFixed(1)}% during flask/db/c64; its steal flag is allowed`);
    expect(warning).not.toContain('flask/db/c64 repeat 1: other processes');
    if (!dbStolen) expect(warning).not.toContain('flask/db/c64');
    // The terminal report leads with it; every table marks the json cell only.
    // (The terminal wraps the warning at its width.)
    expect(run.output()).toMatch(/^! DISTURBED: /m);
    expect(run.output().replace(/\n/g, ' ')).toMatch(/! DISTURBED: .*flask\/json\/c64 repeat 1: other processes took/);
    const md = readFileSync(path.join(run.out, 'results.md'), 'utf8').split('\n');
    const flaskRow = md.slice(md.findIndex((l) => l.startsWith('### Requests per second'))).find((l) => l.startsWith('| Flask |'))!;
    const [jsonCell, dbCell] = flaskRow
      .split('|')
      .slice(2, 4)
      .map((s) => s.trim());
    expect(jsonCell, flaskRow).toMatch(/#$/);
    if (!dbStolen) expect(dbCell, flaskRow).not.toMatch(/#$/);
  });
});
