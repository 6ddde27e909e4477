import type { AnalysisRecord, CellAnalysis, CrossoverAnalysis } from '../results/analysis-schema.ts';
import type { CellSummary } from './summary.ts';

/** One cell's summary (the tables' numbers) with its analysis (what results.json stores). */
export type AnalyzedCell = CellSummary & Omit<CellAnalysis, 'id' | 'framework' | 'scenario' | 'connections' | 'dbLatencyMs' | 'dbRttMs'>;

/** What analyze() returns: AnalysisSchema's data, with each cell's summary alongside. */
export type Analysis = Omit<AnalysisRecord, 'cells' | 'crossover'> & {
  cells: AnalyzedCell[];
  crossover?: CrossoverAnalysis | undefined;
};
