import { describe, expect, it } from 'vitest';
import { paramSweepSpec } from '../../harness/report/charts/param-sweep.ts';
import { compileSpec, renderSvg } from '../../harness/report/charts/render.ts';
import type { ParamSweep } from '../../harness/results/param-sweep-schema.ts';

const caption = { runId: 'run-9', machine: 'Test CPU, 2 cores', date: '2026-12-07 20:30 UTC' };
const values = [10, 100, 1000, 10000];

function sweep(failedAt?: number): ParamSweep {
  const points = (base: number, failing: boolean) =>
    values.map((value) =>
      failing && value === failedAt ? { value, failed: '1 of 268 requests failed (timeouts)' } : { value, rps: base / Math.sqrt(value), labels: ['framework'] },
    );
  return {
    scenario: 'big-result',
    kind: 'big-result',
    param: 'rows',
    connections: 64,
    values,
    capacity: values.map((value) => ({ value, rps: 140_000 / Math.sqrt(value) })),
    perFramework: [
      { framework: 'starlette', points: points(8_000, false) },
      { framework: 'fastapi', points: points(5_000, true) },
    ],
    notes: [],
  };
}

const layersOf = (s: ParamSweep) =>
  paramSweepSpec({ sweep: s, displayNames: { starlette: 'Starlette', fastapi: 'FastAPI' }, caption }) as unknown as {
    layer: { mark: { type: string; shape?: string }; data: { values: Record<string, unknown>[] } }[];
    title: { subtitle: string[] };
  };

describe('the swept scenario chart', () => {
  it("marks a framework's failed cell with a cross on the plot's floor, in its colour, and says so under the title", async () => {
    const spec = layersOf(sweep(10000));
    const crosses = spec.layer.filter((l) => l.mark.type === 'point' && l.mark.shape === 'cross');
    expect(crosses).toHaveLength(1);
    const [cross] = crosses[0]!.data.values;
    expect(cross).toMatchObject({ displayName: 'FastAPI', value: 10000 });
    // On the floor: below every rate plotted (Starlette's 80 at 10,000 rows is the lowest) and every capacity.
    const lowest = 8_000 / Math.sqrt(10000);
    // Far enough below the lowest point (a fifth of a decade or more) not to cover it.
    expect(Math.log10(lowest / (cross!.rps as number))).toBeGreaterThan(0.2);
    expect(spec.title.subtitle.join(' ')).toContain("x on the floor: the framework's cell failed at that value");
    expect(compileSpec(spec as never).warnings).toEqual([]);
    expect(await renderSvg(spec as never)).toContain('x on the floor');
  });

  it('has no cross and no such line when every cell was measured', () => {
    const spec = layersOf(sweep());
    expect(spec.layer.some((l) => l.mark.shape === 'cross')).toBe(false);
    expect(spec.title.subtitle.join(' ')).not.toContain('x on the floor');
  });
});
