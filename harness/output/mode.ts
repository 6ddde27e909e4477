/** How the CLI talks: decided once at the edge from flags, environment and streams. */
export interface OutputMode {
  /** Only the final tables and errors. */
  quiet: boolean;
  /** One JSON summary on stdout; tables go to stderr. */
  json: boolean;
  /** Evidence tables and the full footnote in the terminal too. */
  verbose: boolean;
  /** A live progress bar (stderr is a TTY and not CI) rather than periodic lines. */
  live: boolean;
  /** Columns of the stream the tables go to. */
  width: number;
}

/** Where nothing tells the terminal width (pipes, CI logs). */
export const FALLBACK_WIDTH = 100;

interface StreamInfo {
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** `COLUMNS=120 crossover report ...`: the width asked for when output goes to a pipe or a log. */
function columnsFromEnv(env: Record<string, string | undefined>): number | undefined {
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** CI providers set `CI` (GitHub Actions, GitLab, CircleCI, Buildkite all do); a live bar there only floods the log. */
export function isCi(env: Record<string, string | undefined>): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
}

/**
 * Output is plain text without colour on every stream, so `NO_COLOR` and non-TTY output
 * are honoured by construction.
 */
export function resolveOutputMode(
  flags: { quiet?: boolean | undefined; json?: boolean | undefined; verbose?: boolean | undefined },
  env: Record<string, string | undefined>,
  streams: { stdout: StreamInfo; stderr: StreamInfo },
): OutputMode {
  const json = flags.json === true;
  const tables = json ? streams.stderr : streams.stdout;
  return {
    quiet: flags.quiet === true,
    json,
    verbose: flags.verbose === true,
    live: streams.stderr.isTTY === true && !isCi(env),
    width: tables.isTTY && tables.columns ? tables.columns : (columnsFromEnv(env) ?? FALLBACK_WIDTH),
  };
}
