import { describe, expect, it } from 'vitest';
import { asymptoticBoundPerS, mva, type Station } from '../../harness/analysis/mva.ts';

/**
 * Reference: the product-form solution by convolution (Buzen). Each station contributes
 * f(n) = D^n / prod_{j<=n} rate(j), rate = 1 (queue), j (delay), min(j, m) (multi); the
 * throughput is G(N-1) / G(N). Demands are in ms to keep D^n within double range.
 */
function convolutionThroughput(stations: Station[], customers: number, thinkMs = 0): number {
  const all: Station[] = thinkMs > 0 ? [...stations, { kind: 'delay', name: 'think', demandS: thinkMs }] : stations;
  let g = [1, ...Array<number>(customers).fill(0)];
  for (const s of all) {
    const f = [1];
    for (let n = 1; n <= customers; n++) {
      const rate = s.kind === 'queue' ? 1 : s.kind === 'delay' ? n : Math.min(n, s.servers);
      f.push((f[n - 1]! * s.demandS) / rate);
    }
    g = g.map((_, n) => f.slice(0, n + 1).reduce((a, fk, k) => a + fk * g[n - k]!, 0));
  }
  return g[customers - 1]! / g[customers]!;
}

describe('mean-value analysis', () => {
  it('solves one queue with think time exactly: N = 1 gives 1 / (D + Z), many approach 1 / D', () => {
    const app: Station[] = [{ kind: 'queue', name: 'cpu', demandS: 0.002 }];
    expect(mva(app, 1, 0.008).throughputPerS).toBeCloseTo(1 / 0.01, 9);
    expect(mva(app, 200, 0.008).throughputPerS).toBeCloseTo(500, 6);
    // No think time: the queue is never empty, X = 1 / D from the first customer.
    expect(mva(app, 5).throughputPerS).toBeCloseTo(500, 9);
    expect(mva(app, 0).throughputPerS).toBe(0);
  });

  it('matches the hand-computed two-queue case: D1 = D2 = 1 s, N = 2 gives X = 2/3', () => {
    const two: Station[] = [
      { kind: 'queue', name: 'a', demandS: 1 },
      { kind: 'queue', name: 'b', demandS: 1 },
    ];
    // n = 1: R = 1 + 1, X = 1/2, Q = 1/2 each; n = 2: R = 1.5 + 1.5, X = 2/3.
    const r = mva(two, 2);
    expect(r.throughputPerS).toBeCloseTo(2 / 3, 12);
    expect(r.stations[0]!.queueLength).toBeCloseTo(1, 12);
    expect(r.responseS).toBeCloseTo(3, 12);
  });

  it('treats a multi-server station with at least as many servers as customers as a pure delay', () => {
    const r = mva([{ kind: 'multi', name: 'pool', demandS: 0.005, servers: 10 }], 10);
    expect(r.throughputPerS).toBeCloseTo(10 / 0.005, 6);
    expect(r.stations[0]!.utilization).toBeCloseTo(1, 9);
    // One server: the same as a queue.
    expect(mva([{ kind: 'multi', name: 'pool', demandS: 0.005, servers: 1 }], 7).throughputPerS).toBeCloseTo(200, 9);
  });

  it('agrees with the convolution solution for an app CPU and a pool of 10 connections', () => {
    for (const latencyMs of [0.4, 2.1, 5, 10, 50]) {
      for (const customers of [1, 9, 10, 11, 64, 256]) {
        const stations: Station[] = [
          { kind: 'queue', name: 'app', demandS: 1 / 2.6 }, // 2,600 req/s of app CPU, in ms
          { kind: 'multi', name: 'pool', demandS: latencyMs, servers: 10 },
        ];
        const exact = convolutionThroughput(stations, customers);
        expect(mva(stations, customers).throughputPerS / exact).toBeCloseTo(1, 9);
      }
    }
  });

  it('agrees with the convolution solution with think time and two multi-server stations', () => {
    const stations: Station[] = [
      { kind: 'multi', name: 'app', demandS: 0.8, servers: 2 },
      { kind: 'multi', name: 'pool', demandS: 3, servers: 10 },
      { kind: 'queue', name: 'disk', demandS: 0.1 },
    ];
    for (const customers of [1, 3, 12, 64]) {
      expect(mva(stations, customers, 1.5).throughputPerS / convolutionThroughput(stations, customers, 1.5)).toBeCloseTo(1, 9);
    }
  });

  it('stays within the asymptotic bounds min(1 / D_max, N / (D_total + Z)) and approaches them', () => {
    const stations: Station[] = [
      { kind: 'queue', name: 'app', demandS: 0.0004 },
      { kind: 'multi', name: 'pool', demandS: 0.005, servers: 10 },
    ];
    for (const n of [1, 2, 5, 10, 20, 64]) {
      const x = mva(stations, n, 0.001).throughputPerS;
      expect(x).toBeLessThanOrEqual(asymptoticBoundPerS(stations, n, 0.001) * (1 + 1e-12));
    }
    expect(asymptoticBoundPerS(stations, 64)).toBeCloseTo(2000, 9); // the pool: 10 / 5 ms
    expect(mva(stations, 1000).throughputPerS / 2000).toBeCloseTo(1, 3);
    expect(mva(stations, 1).throughputPerS).toBeCloseTo(1 / 0.0054, 9);
  });

  it('refuses figures the model cannot take, naming the station', () => {
    expect(() => mva([{ kind: 'queue', name: 'app', demandS: Number.NaN }], 4)).toThrow(/station 'app': demand/);
    expect(() => mva([{ kind: 'multi', name: 'pool', demandS: 1, servers: 0 }], 4)).toThrow(/servers must be an integer >= 1/);
    expect(() => mva([], 2.5)).toThrow(/customers must be an integer/);
  });
});
