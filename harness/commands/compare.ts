import { type CompareMode, compareRuns, type RequestedMode } from '../analysis/compare.ts';
import { BenchError } from '../errors.ts';
import type { OutputMode } from '../output/mode.ts';
import { COMPARE_FORMATS, type CompareFormat, formatComparison } from '../report/compare-format.ts';
import { readResults } from '../results/read.ts';

export interface CompareFlags {
  threshold: string;
  format?: string | undefined;
  relative?: boolean | undefined;
  absolute?: boolean | undefined;
}

/**
 * `crossover compare <baseline> <candidate> [--threshold 10] [--relative | --absolute] [--format text|markdown|json]`:
 * prints the comparison on stdout and exits 4 (REGRESSION) when a cell regressed or went missing.
 */
export async function compareCommand(baselineDir: string, candidateDir: string, flags: CompareFlags, output: Pick<OutputMode, 'width'>): Promise<void> {
  const thresholdPct = Number(flags.threshold);
  if (!Number.isFinite(thresholdPct) || thresholdPct <= 0)
    throw new BenchError('USAGE', `--threshold must be a positive percentage (got '${flags.threshold}')`);
  const format = flags.format ?? 'text';
  if (!isFormat(format)) throw new BenchError('USAGE', `--format must be one of ${COMPARE_FORMATS.join(', ')} (got '${format}')`);
  const comparison = compareRuns(await readResults(baselineDir), await readResults(candidateDir), thresholdPct / 100, { mode: requestedMode(flags) });
  process.stdout.write(formatComparison(comparison, { baseline: baselineDir, candidate: candidateDir, thresholdPct }, format, output.width));
  if (comparison.failed) {
    const failing = comparison.changes.filter((c) => c.verdict === 'regressed' || c.verdict === 'missing');
    const named = failing.slice(0, NAMED_CELLS).map((c) => `${c.id} (${c.verdict})`);
    const more = failing.length > NAMED_CELLS ? `, and ${failing.length - NAMED_CELLS} more (the table lists them)` : '';
    throw new BenchError('REGRESSION', `${failing.length} cell(s) regressed or are missing in ${candidateDir}: ${named.join(', ')}${more}`, {
      hint: `the 95% interval of the change lies wholly below -${thresholdPct}% (${comparison.mode.mode} mode), the cell failed or was unmeasured in the candidate, or it was not run at all`,
    });
  }
}

/** The error names this many cells; a machine-wide drop under --absolute would otherwise list every cell on one line. */
const NAMED_CELLS = 5;

function requestedMode(flags: CompareFlags): RequestedMode {
  if (flags.relative && flags.absolute)
    throw new BenchError('USAGE', '--relative and --absolute exclude each other: give one, or neither for the automatic choice');
  const chosen: CompareMode | undefined = flags.relative ? 'relative' : flags.absolute ? 'absolute' : undefined;
  return chosen ?? 'auto';
}

function isFormat(value: string): value is CompareFormat {
  return (COMPARE_FORMATS as readonly string[]).includes(value);
}
