import { z } from 'zod';

/** One listening port of the delay proxy and where it forwards to. */
export const ProxyListenerSchema = z.object({
  bindHost: z.string(),
  /** 0 for a free port. */
  bindPort: z.number().int().min(0).max(65535),
  /** Added to every chunk in each direction: half the round trip it stands for. */
  oneWayDelayMs: z.number().min(0),
  targetHost: z.string(),
  targetPort: z.number().int().positive().max(65535),
});
export type ProxyListener = z.infer<typeof ProxyListenerSchema>;

export const ProxySpecSchema = z.object({
  /** Process title, with the run id, so a leftover proxy can be traced to its run (`ps`). */
  title: z.string().default('crossover-proxy'),
  listeners: z.array(ProxyListenerSchema).min(1),
});
export type ProxySpec = z.infer<typeof ProxySpecSchema>;
