import { CommanderError } from 'commander';
import { EXIT_CODES, isBenchError } from '../errors.ts';

/** Exit codes of a signal that stopped the run, as shells report them (128 + signal number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The exit code for an error that reached the CLI: commander's own (help, version: 0;
 * every parse error: 2, a usage error), a BenchError's code, anything else 1.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_CODES.USAGE;
  if (isBenchError(error)) return EXIT_CODES[error.code];
  return 1;
}

/**
 * What to print for it: nothing for commander (it printed already), message and hint for
 * known errors, the stack for unknown ones (a bug worth reporting).
 */
export function errorText(error: unknown): string {
  if (error instanceof CommanderError) return '';
  if (isBenchError(error)) return `error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`;
  return `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}
