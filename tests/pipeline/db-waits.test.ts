import { describe, expect, it } from 'vitest';
import { type ActivitySample, summarizeWaits } from '../../harness/db/activity.ts';
import { runPipeline } from '../../harness/pipeline/pipeline.ts';
import { fakeDeps } from '../support/fakes.ts';

const sample = (o: Partial<ActivitySample>): ActivitySample => ({ total: 4, active: 4, lock: 0, commit: 0, onCpu: 0, idleInTransaction: 0, ...o });

describe("the database's waits in each measured window", () => {
  it('are sampled on database cells only, started afresh when the window starts, and kept per repeat beside the connection count', async () => {
    const { deps, world } = fakeDeps({ config: { frameworks: ['flask'], scenarios: ['json', 'db'], repeat: 2 } });
    const samplers: string[] = [];
    let starts = 0;
    const provision = deps.provision;
    deps.provision = async () => {
      const rig = await provision();
      const generator = rig.loadGenerator;
      return {
        ...rig,
        loadGenerator: {
          name: generator.name,
          run: (job, targets, signal) => {
            job.onMeasureStart?.();
            return generator.run(job, targets, signal);
          },
        },
        sampleConnections: (_url, name) => {
          samplers.push(name);
          let window = [sample({ lock: 4 })];
          return {
            measureStart: () => {
              starts++;
              window = [];
            },
            stop: async () => ({ peak: 4, mean: 4, samples: 12, waits: summarizeWaits([...window, sample({ lock: 3, onCpu: 1 })]) }),
          };
        },
      };
    };
    await runPipeline(deps);
    const results = world.storage.last!;
    const json = results.cells.find((c) => c.kind === 'json')!;
    const db = results.cells.find((c) => c.kind === 'db')!;
    expect(json.repeats.every((r) => r.resources?.dbWaits === undefined)).toBe(true);
    expect(db.repeats).toHaveLength(2);
    for (const r of db.repeats) {
      expect(r.resources?.dbConnections).toEqual({ peak: 4, mean: 4, samples: 12 });
      // The warm-up's sample (all four on locks) was left out.
      expect(r.resources?.dbWaits).toMatchObject({ samples: 1, lock: { mean: 3, seenShare: 1 }, onCpu: { mean: 1, seenShare: 1 } });
    }
    expect(starts).toBe(samplers.length);
  });
});
