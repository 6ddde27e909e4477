import { readResults } from '../results/read.ts';
import { printReport, writeReports } from '../report/write.ts';
import { log } from './common.ts';

/** Rebuilds results.md and results.csv from results.json; measures nothing. */
export async function reportCommand(runDir: string): Promise<void> {
  const results = await readResults(runDir);
  await writeReports(runDir, results);
  printReport(results);
  log(`rewrote the reports in ${runDir}`);
}
