import { compareRuns } from '../analysis/compare.ts';
import { BenchError } from '../errors.ts';
import { renderTerminal } from '../report/render.ts';
import { fmtRps } from '../report/tables.ts';
import { readResults } from '../results/store.ts';

export async function compareCommand(baselineDir: string, candidateDir: string, flags: { threshold: string }): Promise<void> {
  const thresholdPct = Number(flags.threshold);
  if (!Number.isFinite(thresholdPct) || thresholdPct <= 0) throw new BenchError('USAGE', `--threshold must be a positive percentage (got '${flags.threshold}')`);
  const changes = compareRuns(await readResults(baselineDir), await readResults(candidateDir), thresholdPct / 100);
  process.stdout.write(
    renderTerminal({
      title: `Requests/s, ${candidateDir} against ${baselineDir} (threshold ${thresholdPct}%)`,
      head: ['cell', 'baseline', 'candidate', 'change', 'verdict'],
      rows: changes.map((c) => [
        c.id,
        c.baselineRps === undefined ? '-' : fmtRps(c.baselineRps),
        c.candidateRps === undefined ? '-' : fmtRps(c.candidateRps),
        c.change === undefined ? '-' : `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`,
        c.verdict,
      ]),
      notes: [],
    }),
  );
  const regressed = changes.filter((c) => c.verdict === 'regressed');
  if (regressed.length > 0) {
    throw new BenchError('REGRESSION', `${regressed.length} cell(s) regressed beyond ${thresholdPct}%: ${regressed.map((c) => c.id).join(', ')}`);
  }
}
