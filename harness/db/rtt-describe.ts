import type { NetworkRecord } from '../results/schema.ts';

/** Pure: one log line for the network record: method, and each path's measured round trip. */
export function describeNetwork(n: NetworkRecord): string {
  const direct = n.direct ? `direct median ${n.direct.medianMs.toFixed(3)} ms; ` : '';
  const paths = n.paths
    .map(
      (p) =>
        `rtt ${p.requestedRttMs} ms: adds ${p.addedMs.toFixed(3)} ms (median ${p.measured.medianMs.toFixed(3)}, p99 ${p.measured.p99Ms.toFixed(3)} ms, ${p.measured.samples} SELECT 1)`,
    )
    .join('; ');
  return `${n.method} (${n.reason}); ${direct}${paths}`;
}
