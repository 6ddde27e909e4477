import { describe, expect, it } from 'vitest';
import { BenchError } from '../../harness/errors.ts';
import type { PipelineDeps } from '../../harness/pipeline/context.ts';
import { runPipeline } from '../../harness/pipeline/pipeline.ts';
import { footnote } from '../../harness/report/tables.ts';
import type { NeighbourWatch } from '../../harness/resources/neighbours.ts';
import type { Neighbours } from '../../harness/results/neighbours-schema.ts';
import type { SpeedReading } from '../../harness/results/schema.ts';
import { fakeDeps } from '../support/fakes.ts';

const range = (median: number) => ({ median, min: median, max: median });
const READING: SpeedReading = { computeMs: range(4.4), cacheMs: range(10), memoryMs: range(24) };

/** A fake run whose machine-wide effects (lock, busy check, speed readings) are traced. */
function tracedDeps(o: { lock?: PipelineDeps['measuringLock']; busy?: string; options?: Parameters<typeof fakeDeps>[0] } = {}) {
  const { deps, world } = fakeDeps({ config: { frameworks: ['flask'], scenarios: ['json'] }, ...o.options });
  deps.measuringLock =
    o.lock ??
    (async () => {
      world.step('lock');
      return { release: () => world.step('unlock'), waitedS: 0 };
    });
  deps.busyMachine = async () => {
    world.step('busy check');
    return o.busy;
  };
  deps.speed = async () => {
    world.step('speed');
    return READING;
  };
  return { deps, world };
}

describe('the measuring lock in the pipeline', () => {
  it('is taken after preparing, before the machine checks and the first load, and released after the closing speed reading, before the report', async () => {
    const { deps, world } = tracedDeps();
    await runPipeline(deps);
    expect(world.trace).toEqual([
      'provision',
      'prepare flask',
      'lock',
      'busy check',
      'speed',
      'ceiling loadgen c64',
      'start flask',
      'ready flask',
      'verify flask/json/c64',
      'measure flask/json/c64',
      'stop flask',
      'start flask',
      'ready flask',
      'measure flask/json/c64',
      'stop flask',
      'close runtime',
      'stop database',
      'speed',
      'unlock',
      'report',
    ]);
    expect(world.storage.last?.status).toBe('complete');
    expect(world.storage.last?.machineWaitS).toBeUndefined();
  });

  it('records how long the run waited for the machine, and says so in the footnote', async () => {
    const { deps, world } = tracedDeps({ lock: async () => ({ release: () => undefined, waitedS: 185.4 }) });
    await runPipeline(deps);
    expect(world.storage.last?.machineWaitS).toBe(185.4);
    expect(footnote(world.storage.last!)).toContain(
      "Waited 185 s for another run's measurements before the first load (the measuring lock; not part of this run's work).",
    );
  });

  it('a refusal (--no-wait) ends the run before any load: no ceiling, no measurement, cells unmeasured, the error rethrown', async () => {
    const { deps, world } = tracedDeps({
      lock: async () => {
        throw new BenchError('MACHINE_BUSY', 'another crossover run (pid 4242, results/a-quick) is measuring on this machine, and --no-wait was given');
      },
    });
    await expect(runPipeline(deps)).rejects.toMatchObject({ code: 'MACHINE_BUSY' });
    expect(world.trace).toEqual(['provision', 'prepare flask', 'close runtime', 'stop database', 'report']);
    expect(world.storage.last?.status).toBe('failed');
    expect(world.storage.last?.cells.map((c) => c.status)).toEqual(['unmeasured']);
  });

  it('after Ctrl-C while preparing, takes no lock and reads nothing', async () => {
    const { deps, world } = tracedDeps({ options: { hook: (step, w) => step === 'prepare flask' && w.interrupt() } });
    await runPipeline(deps).catch(() => undefined);
    expect(world.trace).not.toContain('lock');
    expect(world.trace).not.toContain('speed');
  });

  it('records BUSY_MACHINE found once the lock is held', async () => {
    const { deps, world } = tracedDeps({ busy: 'other processes used 38% of a core over 3.0 s before the first measurement' });
    await runPipeline(deps);
    expect(world.storage.last?.warnings.find((w) => w.code === 'BUSY_MACHINE')?.message).toContain('38% of a core');
  });
});

describe('other processes during each measured window', () => {
  const busy: Neighbours = { coreShare: 0.5, peakCoreShare: 1, stealShare: 0, windowS: 10, top: [{ pid: 4242, comm: 'node', coreShare: 0.5 }] };
  const quiet: Neighbours = { coreShare: 0.01, peakCoreShare: 0.04, stealShare: 0, windowS: 10, top: [] };

  it('keeps what was seen per repeat, re-based when the window starts, and warns DISTURBED naming the cell and repeat', async () => {
    const { deps, world } = fakeDeps({ config: { frameworks: ['flask'], scenarios: ['json', 'db'], repeat: 2 } });
    const seen = [quiet, busy, quiet, quiet, quiet];
    let watches = 0;
    let restarts = 0;
    const provision = deps.provision;
    deps.provision = async () => {
      const rig = await provision();
      const generator = rig.loadGenerator;
      return {
        ...rig,
        // As autocannon does when its warm-up ends.
        loadGenerator: {
          name: generator.name,
          run: (job, targets, signal) => {
            job.onMeasureStart?.();
            return generator.run(job, targets, signal);
          },
        },
        watchNeighbours: (): NeighbourWatch => {
          watches++;
          return { restart: () => void restarts++, stop: () => seen.shift() };
        },
      };
    };
    await runPipeline(deps);
    const results = world.storage.last!;
    // One watch per load run: four repeats and the drift check.
    expect(watches).toBe(5);
    expect(restarts).toBe(5);
    expect(results.cells.map((c) => c.repeats.map((r) => r.resources?.neighbours?.coreShare))).toEqual([
      [0.01, 0.01],
      [0.5, 0.01],
    ]);
    expect(results.warnings.filter((w) => w.code === 'DISTURBED').map((w) => w.message)).toEqual([
      'other processes or the hypervisor took CPU while these cells were measured: their figures may be low and are marked # in every table: flask/db/c64 repeat 1: other processes took 50% of a core: node (pid 4242) 50%',
    ]);
    // The progress line of the disturbed repeat says so at once.
    expect(
      world.events.some(
        (e) => e.type === 'measure-end' && e.cellId === 'flask/db/c64' && e.summary.includes('; DISTURBED: other processes took 50% of a core'),
      ),
    ).toBe(true);
  });
});
