import { z } from 'zod';
import { type Comparison, VERDICTS } from '../analysis/compare.ts';
import { DEFAULT_LEVEL } from '../analysis/intervals.ts';

/** What the formatters need besides the comparison itself. */
export interface CompareContext {
  baseline: string;
  candidate: string;
  thresholdPct: number;
}

const optionalNumber = z.number().optional();

/** `crossover compare --format json`: the document scripts read (docs/faults.md). Validated before it is printed. */
export const CompareJsonSchema = z.object({
  baseline: z.string(),
  candidate: z.string(),
  thresholdPct: z.number().positive(),
  /** The intervals' confidence level. */
  level: z.number(),
  mode: z.object({ mode: z.enum(['absolute', 'relative']), reason: z.string() }),
  /** The median change of requests/s over the cells measured in both runs, with its interval. */
  commonShift: z
    .object({ change: z.number(), changeLow: optionalNumber, changeHigh: optionalNumber, cells: z.number().int().positive(), machineChanged: z.boolean() })
    .optional(),
  failed: z.boolean(),
  counts: z.object(Object.fromEntries(VERDICTS.map((v) => [v, z.number().int().min(0)])) as Record<(typeof VERDICTS)[number], z.ZodNumber>),
  warnings: z.array(z.string()),
  cells: z.array(
    z.object({
      id: z.string(),
      framework: z.string(),
      column: z.string(),
      baselineRps: optionalNumber,
      candidateRps: optionalNumber,
      change: optionalNumber,
      changeLow: optionalNumber,
      changeHigh: optionalNumber,
      basis: z.enum(['absolute', 'relative']).optional(),
      rpsChange: optionalNumber,
      paired: z.boolean().optional(),
      verdict: z.enum(VERDICTS as [string, ...string[]]),
      reason: z.string().optional(),
    }),
  ),
});
export type CompareJson = z.infer<typeof CompareJsonSchema>;

/** True when the common shift's whole interval lies beyond the threshold: every cell moved alike, by more than it. */
export function machineChanged(comparison: Comparison): boolean {
  const i = comparison.shift?.interval;
  return i !== undefined && (i.high - 1 < -comparison.threshold || i.low - 1 > comparison.threshold);
}

/** Pure: the comparison as the JSON document, checked against its schema. */
export function comparisonJson(comparison: Comparison, ctx: CompareContext): CompareJson {
  const shift = comparison.shift;
  return CompareJsonSchema.parse({
    baseline: ctx.baseline,
    candidate: ctx.candidate,
    thresholdPct: ctx.thresholdPct,
    level: DEFAULT_LEVEL,
    mode: comparison.mode,
    commonShift: shift && {
      change: shift.ratio - 1,
      changeLow: shift.interval && shift.interval.low - 1,
      changeHigh: shift.interval && shift.interval.high - 1,
      cells: shift.cells,
      machineChanged: machineChanged(comparison),
    },
    failed: comparison.failed,
    counts: comparison.counts,
    warnings: comparison.warnings,
    cells: comparison.changes,
  });
}
