import { describe, expect, it } from 'vitest';
import { startSampling, summarizeSamples } from '../../harness/resources/sampler.ts';

describe('summarizeSamples', () => {
  it('turns cumulative CPU seconds into mean and peak utilisation of the allotted cores', () => {
    const samples = [
      { atMs: 0, reading: { cpuS: 10, memBytes: 100 } },
      { atMs: 250, reading: { cpuS: 10.25, memBytes: 200 } },
      { atMs: 500, reading: { cpuS: 10.3, memBytes: 300 } },
      { atMs: 1000, reading: { cpuS: 10.5, memBytes: 200 } },
    ];
    const usage = summarizeSamples(samples, 1)!;
    expect(usage.cpuMeanUtil).toBeCloseTo(0.5, 10);
    expect(usage.cpuPeakUtil).toBeCloseTo(1, 10);
    expect(usage.memPeakBytes).toBe(300);
    expect(usage.memMeanBytes).toBe(200);
    expect(summarizeSamples(samples, 2)!.cpuMeanUtil).toBeCloseTo(0.25, 10);
    expect(summarizeSamples(samples.slice(0, 1), 1)).toBeUndefined();
  });
});

describe('startSampling', () => {
  const reader = (script: Array<'ok' | 'fail'>, delayMs = 0) => {
    let cpuS = 0;
    let i = 0;
    return async () => {
      const step = script[Math.min(i++, script.length - 1)];
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (step === 'fail') throw new Error('engine busy');
      cpuS += 0.1;
      return { cpuS, memBytes: 1 };
    };
  };

  it('keeps a target whose reads fail once or twice, and drops one that fails three times in a row', async () => {
    const flaky = reader(['ok', 'fail', 'fail', 'ok', 'ok', 'ok']);
    const broken = reader(['ok', 'fail', 'fail', 'fail', 'ok', 'ok']);
    const sampler = startSampling(
      [
        { name: 'app', cores: 1, read: flaky },
        { name: 'database', cores: 1, read: broken },
      ],
      undefined,
      { intervalMs: 10 },
    );
    await new Promise((r) => setTimeout(r, 120));
    const usage = await sampler.stop();
    expect(usage.app?.samples).toBeGreaterThanOrEqual(3);
    // One reading before the three failures: too few for a figure, and none after them.
    expect(usage.database).toBeUndefined();
  });

  it('stop() waits for the reading in flight and takes one more, so a slow reader still gives a figure', async () => {
    const sampler = startSampling([{ name: 'app', cores: 1, read: reader(['ok'], 40) }], undefined, { intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 5));
    const usage = await sampler.stop();
    expect(usage.app?.samples).toBe(2);
  });

  it('counts a read that never answers as failed, and stop() does not wait for it', async () => {
    const sampler = startSampling([{ name: 'app', cores: 1, read: () => new Promise(() => undefined) }], undefined, {
      intervalMs: 10,
      readTimeoutMs: 20,
    });
    const t = performance.now();
    const usage = await sampler.stop();
    expect(performance.now() - t).toBeLessThan(1000);
    expect(usage.app).toBeUndefined();
  });

  it('times a reading by when its figures were taken, when the reader says so', async () => {
    // An engine that answers a second late, with figures taken 1000 ms apart on its clock.
    let n = 0;
    const read = async () => {
      n++;
      return { cpuS: n * 0.5, memBytes: 1, takenAtMs: n * 1000 };
    };
    const sampler = startSampling([{ name: 'app', cores: 1, read }], undefined, { intervalMs: 1_000_000 });
    await new Promise((r) => setTimeout(r, 0));
    const usage = await sampler.stop();
    // 0.5 CPU s per 1000 ms on the engine's clock, however quickly the answers came here.
    expect(usage.app?.cpuMeanUtil).toBeCloseTo(0.5, 10);
  });
});
