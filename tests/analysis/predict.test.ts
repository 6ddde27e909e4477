import { describe, expect, it } from 'vitest';
import { curveNetwork, predictedCrossoverMs, predictedRps, predictionError, stepIndex, stepsDisagree } from '../../harness/analysis/predict.ts';

describe('predicted crossover (Little)', () => {
  it('puts the crossover at L = C / X', () => {
    // 10 connections and 2,000 req/s of its own: the pool binds from 5 ms on.
    expect(predictedCrossoverMs(10, 2000)).toBe(5);
    expect(predictedCrossoverMs(10, 4000)).toBe(2.5);
  });

  it('places a latency on the sweep by effective latency, and tolerates one step', () => {
    const effective = [0.4, 2.1, 2.2, 5.2, 10.3, 20.3];
    expect(stepIndex(effective, 2.5)).toBe(3);
    expect(stepIndex(effective, 0.1)).toBe(0);
    expect(stepIndex(effective, 60)).toBe(6);
    expect(stepsDisagree(3, 4)).toBe(false);
    expect(stepsDisagree(3, 5)).toBe(true);
    expect(stepsDisagree(6, 5)).toBe(false);
  });
});

describe('predicted throughput curve (MVA)', () => {
  const async = { ownRps: 2000, customers: 64, poolConnections: 10, model: 'async' as const };
  const sync = { ...async, model: 'sync' as const };

  it('approaches the app own throughput where the pool is wide and C / L where it binds', () => {
    for (const model of [async, sync]) {
      expect(predictedRps(model, 0.01) / 2000).toBeCloseTo(1, 2);
      expect(predictedRps(model, 50) / 200).toBeCloseTo(1, 1);
    }
    expect(predictedRps(async, 50)).toBeCloseTo(200, 1);
  });

  it('falls below min(X, C / L) at the knee, most for threads that hold their connection throughout', () => {
    const simpleBound = 2000; // min(2,000, 10 / 5 ms)
    const a = predictedRps(async, 5);
    const s = predictedRps(sync, 5);
    expect(a).toBeLessThan(simpleBound);
    expect(s).toBeLessThan(a);
    // Threads: 10 requests through a CPU queue (0.5 ms) and 5 ms of database: below 10 / 5.5 ms.
    expect(s).toBeLessThan(10 / 0.0055);
    expect(s / simpleBound).toBeLessThan(0.9);
    // Away from the knee the simple bound is nearly exact for the pool model.
    expect(predictedRps(async, 20) / 500).toBeCloseTo(1, 3);
  });

  it('models threads as C requests through the CPU queue and a database delay', () => {
    expect(curveNetwork(sync, 5)).toEqual({
      customers: 10,
      stations: [
        { kind: 'queue', name: 'app CPU', demandS: 0.0005 },
        { kind: 'delay', name: 'database', demandS: 0.005 },
      ],
    });
    expect(curveNetwork(async, 5).stations[1]).toEqual({ kind: 'multi', name: 'connection pool', demandS: 0.005, servers: 10 });
  });

  it('reports the error of each point as measured / predicted - 1', () => {
    expect(predictionError(1601, 1926)).toBeCloseTo(-0.1687, 4);
    expect(predictionError(undefined, 1926)).toBeUndefined();
    expect(predictionError(1000, 0)).toBeUndefined();
  });
});
