import path from 'node:path';
import type { Results } from '../results/schema.ts';
import { writeFileAtomic } from '../results/store.ts';
import { reportFiles, terminalReport } from './report.ts';

/** The one place reports reach the disk and stdout. */
export async function writeReports(dir: string, results: Results): Promise<void> {
  for (const [name, content] of Object.entries(await reportFiles(results))) await writeFileAtomic(path.join(dir, name), content);
}

export function printReport(results: Results): void {
  process.stdout.write(terminalReport(results));
}
