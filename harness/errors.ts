/** Every failure the harness knows about, with the exit code the CLI maps it to. */
export type ErrorCode =
  | 'USAGE' // bad flags, unknown framework or scenario, invalid config file
  | 'CONFIG' // an app manifest or scenario file that fails its schema
  | 'PYTHON' // no suitable interpreter, venv creation or pip install failed
  | 'DATABASE' // the database could not be started, reached or seeded
  | 'APP_START' // an app did not come up
  | 'DOCKER' // the Docker daemon, a build or a container failed
  | 'LOADGEN' // the load generator failed or printed something unparseable
  | 'RESULTS' // results on disk fail their schema or cannot be written
  | 'PORT_BUSY' // a port the user asked for is taken
  | 'NETWORK' // a simulated network (--db-rtt) could not be set up, or its measured round trip is off
  | 'MACHINE_BUSY' // another run is measuring on this machine and --no-wait was given
  | 'REGRESSION'; // compare found a regression beyond the threshold

export const EXIT_CODES: Record<ErrorCode, number> = {
  USAGE: 2,
  CONFIG: 2,
  PORT_BUSY: 2,
  PYTHON: 3,
  DATABASE: 3,
  APP_START: 3,
  DOCKER: 3,
  LOADGEN: 3,
  RESULTS: 3,
  NETWORK: 3,
  MACHINE_BUSY: 3,
  REGRESSION: 4,
};

export class BenchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BenchError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isBenchError(error: unknown): error is BenchError {
  return error instanceof BenchError;
}

/** One line out of any thrown value, for logs and failed-cell reasons. */
export function errorLine(error: unknown): string {
  if (error instanceof BenchError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
