import { z } from 'zod';

/** A statistic with its 95% bootstrap interval (analysis/intervals.ts; docs/analysis.md). */
export const IntervalSchema = z.object({ estimate: z.number(), low: z.number(), high: z.number() });
