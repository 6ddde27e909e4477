import type { OutputMode } from '../output/mode.ts';
import type { FrameworkOrder } from '../report/report.ts';
import { writeReports } from '../report/write.ts';
import { readResults } from '../results/read.ts';
import { log, showResults } from './common.ts';

/** Rebuilds every report file from results.json and prints the tables; measures nothing. */
export async function reportCommand(runDir: string, flags: { sort: FrameworkOrder }, mode: OutputMode): Promise<void> {
  const results = await readResults(runDir);
  await writeReports(runDir, results);
  showResults(results, runDir, mode, flags.sort);
  if (!mode.quiet) log(`rewrote the reports in ${runDir}`);
}
