import { checkBaseline } from '../config/options.ts';
import type { OutputMode } from '../output/mode.ts';
import type { FrameworkOrder } from '../report/report.ts';
import { writeReports } from '../report/write.ts';
import { readResults } from '../results/read.ts';
import { log, showResults } from './common.ts';

/** Rebuilds every report file from results.json and prints the tables; measures nothing. */
export async function reportCommand(runDir: string, flags: { sort: FrameworkOrder; baseline?: string }, mode: OutputMode): Promise<void> {
  const read = await readResults(runDir);
  if (flags.baseline !== undefined) checkBaseline(flags.baseline, read.config.frameworks);
  const results = flags.baseline === undefined ? read : { ...read, config: { ...read.config, baseline: flags.baseline } };
  await writeReports(runDir, results);
  showResults(results, runDir, mode, flags.sort);
  if (!mode.quiet) log(`rewrote the reports in ${runDir}`);
}
