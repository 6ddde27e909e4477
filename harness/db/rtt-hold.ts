/**
 * Pure: how long a query holds its pool connection once the network is in the way: the
 * database's own latency plus the round trip. Little's law then bounds throughput at
 * `connectionCap / effectiveHoldMs * 1000` requests per second (docs/network.md). Apart from
 * rtt.ts so the pure analysis can use it without loading the database driver.
 */
export function effectiveHoldMs(effectiveDbLatencyMs: number, measuredRttMs: number): number {
  return effectiveDbLatencyMs + measuredRttMs;
}
