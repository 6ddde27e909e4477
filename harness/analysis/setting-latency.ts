import type { CrossoverAnalysis } from '../results/analysis-schema.ts';
import { columnKey } from './summary.ts';
import type { Analysis } from './types.ts';

/**
 * One swept slow-db setting as every table head and chart axis names it. A setting has a
 * single effective latency: the crossover's (bounds.ts latencyFor without a protocol, so
 * the prepared-protocol database ceiling), the one its Little's-law bound, database
 * ceiling line and overall crossover are drawn at. Each cell's own bound uses its app's
 * protocol instead; that figure stays with the cell.
 */
export interface SettingLatency {
  requestedMs: number;
  effectiveMs: number;
  /** False when no ceiling measured the setting and the requested latency stands in. */
  measured: boolean;
}

/** Absent and 0 are both the direct path. */
const rttOf = (c: { dbRttMs?: number | undefined }) => c.dbRttMs ?? 0;

/** Pure: the crossover of one connection count and round trip, when the run has one. */
export function crossoverAt(analysis: Analysis, connections: number, dbRttMs: number | undefined): CrossoverAnalysis | undefined {
  return (analysis.crossovers ?? [analysis.crossover]).find((x) => x?.connections === connections && rttOf(x) === (dbRttMs ?? 0));
}

/** Pure: a setting of a crossover; the requested latency, unmeasured, when the crossover lacks it. */
export function settingLatency(x: CrossoverAnalysis | undefined, requestedMs: number): SettingLatency {
  const s = x?.settings.find((y) => y.requestedMs === requestedMs);
  return s ? { requestedMs, effectiveMs: s.effectiveMs, measured: s.source !== 'requested' } : { requestedMs, effectiveMs: requestedMs, measured: false };
}

/**
 * Pure: the setting of a slow-db column. From its crossover when it has one; otherwise (a
 * connection count past the first) from the column's cells, preferring one judged against
 * the prepared-protocol ceiling, which is what the crossover would have read.
 */
export function columnSettingLatency(
  analysis: Analysis,
  column: { scenario: string; connections: number; dbLatencyMs: number; dbRttMs?: number | undefined },
): SettingLatency {
  const requestedMs = column.dbLatencyMs;
  const x = crossoverAt(analysis, column.connections, column.dbRttMs);
  if (x?.settings.some((s) => s.requestedMs === requestedMs)) return settingLatency(x, requestedMs);
  const key = columnKey(column);
  const measured = analysis.cells.filter((c) => columnKey(c) === key && c.effectiveDbLatencyMs !== undefined && c.judgedAgainst?.dbCeiling);
  const cell = measured.find((c) => c.judgedAgainst?.dbCeiling?.protocol === 'prepared') ?? measured[0];
  return cell ? { requestedMs, effectiveMs: cell.effectiveDbLatencyMs!, measured: true } : { requestedMs, effectiveMs: requestedMs, measured: false };
}
