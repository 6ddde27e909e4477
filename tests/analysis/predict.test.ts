import { describe, expect, it } from 'vitest';
import { predictedCrossoverMs, predictedRps, predictionError, stepIndex, stepsDisagree } from '../../harness/analysis/predict.ts';

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
  const model = { ownRps: 2000, customers: 64, poolConnections: 10 };

  it('approaches the app own throughput where the pool is wide and C / L where it binds', () => {
    expect(predictedRps(model, 0.1)).toBeCloseTo(2000, 0);
    expect(predictedRps(model, 50)).toBeCloseTo(200, 1);
  });

  it('falls below min(X, C / L) at the knee, where both stations queue', () => {
    const atKnee = predictedRps(model, 5);
    expect(atKnee).toBeLessThan(2000);
    expect(atKnee).toBeGreaterThan(1800);
    // Away from the knee the simple bound is nearly exact.
    expect(predictedRps(model, 20) / 500).toBeCloseTo(1, 3);
  });

  it('reports the error of each point as measured / predicted - 1', () => {
    expect(predictionError(1601, 1926)).toBeCloseTo(-0.1687, 4);
    expect(predictionError(undefined, 1926)).toBeUndefined();
    expect(predictionError(1000, 0)).toBeUndefined();
  });
});
