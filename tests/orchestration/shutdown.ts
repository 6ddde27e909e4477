import { expect } from 'vitest';

/**
 * Every app started was stopped, the runtime closed after the last app stop, and the
 * database stopped after the runtime: apps hold database connections, so they go first.
 */
export function expectCleanShutdown(trace: string[]): void {
  const starts = trace.filter((s) => s.startsWith('start ')).length;
  const stops = trace.filter((s) => s.startsWith('stop ') && s !== 'stop database').length;
  expect(stops, `apps started ${starts} times but stopped ${stops} times: ${trace.join(', ')}`).toBe(starts);
  const close = trace.indexOf('close runtime');
  const database = trace.indexOf('stop database');
  expect(close).toBeGreaterThan(-1);
  expect(database).toBeGreaterThan(close);
  expect(trace.slice(close + 1).some((s) => s.startsWith('start ') || s.startsWith('measure ') || s.startsWith('verify '))).toBe(false);
  expect(trace.filter((s) => s === 'stop database')).toHaveLength(1);
}
