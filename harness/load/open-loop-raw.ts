/** The open-loop child's job and raw output, validated where they cross the process boundary. */
import { z } from 'zod';

export const OpenLoopJobSchema = z.object({
  url: z.string().url(),
  /** Keep-alive connections the generator may open (at most). */
  connections: z.number().int().positive(),
  rateRps: z.number().positive(),
  arrival: z.enum(['constant', 'poisson']),
  seed: z.number().int(),
  warmupS: z.number().min(0),
  durationS: z.number().positive(),
  // The histogram tracks up to 60 s.
  timeoutS: z.number().positive().max(60),
  lateToleranceMs: z.number().positive(),
});
export type OpenLoopJob = z.infer<typeof OpenLoopJobSchema>;

const PercentilesUs = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number() });

/** Counts cover requests due in the measured window; `window*` counts responses completed in it. */
export const OpenLoopRawSchema = z.object({
  generator: z.literal('open-loop'),
  job: OpenLoopJobSchema,
  elapsedS: z.number(),
  scheduled: z.number().int().min(0),
  sent: z.number().int().min(0),
  late: z.number().int().min(0),
  lateGenerator: z.number().int().min(0),
  generatorLagMaxMs: z.number().min(0),
  responses: z.number().int().min(0),
  responses2xx: z.number().int().min(0),
  non2xx: z.number().int().min(0),
  errors: z.number().int().min(0),
  /** The measured window's error messages and how often each came (absent in raw output older than this field). */
  errorMessages: z.record(z.string(), z.number().int().min(0)).optional(),
  timeouts: z.number().int().min(0),
  windowResponses: z.number().int().min(0),
  windowResponses2xx: z.number().int().min(0),
  windowBytes: z.number().min(0),
  latencySumMs: z.number(),
  latencyMinMs: z.number(),
  latencyMaxMs: z.number(),
  fromSendSumMs: z.number(),
  sendLagSumMs: z.number(),
  sendLagMaxMs: z.number(),
  warmupScheduled: z.number().int().min(0),
  warmupErrors: z.number().int().min(0),
  /** Exact mean latency from the due time (summed, not from histogram buckets). */
  latencyMeanMs: z.number(),
  /** Exact mean latency from the actual send: what a closed-loop generator would report. */
  fromSendMeanMs: z.number(),
  sendLagMeanMs: z.number(),
  percentilesUs: PercentilesUs,
  fromSendPercentilesUs: PercentilesUs,
  /** HdrHistogram, µs, compressed base64 (hdr-histogram-js `decodeFromCompressedBase64` reads it back). */
  histogram: z.string(),
  fromSendHistogram: z.string(),
  /** The child's nice value from /proc/self/stat; absent off Linux. */
  nice: z.number().int().optional(),
});
export type OpenLoopRaw = z.infer<typeof OpenLoopRawSchema>;
