import { CommanderError } from 'commander';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { errorText, exitCodeFor } from '../../harness/commands/exit.ts';
import { BenchError } from '../../harness/errors.ts';
import { REPO_ROOT } from '../../harness/paths.ts';

describe('exit codes the README documents', () => {
  it('0: help and version', () => {
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(0);
  });

  it('2: every commander parse error and every usage error', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toBe(2);
    expect(exitCodeFor(new CommanderError(1, 'commander.invalidArgument', 'bad choice'))).toBe(2);
    expect(exitCodeFor(new BenchError('USAGE', '--out x is an existing file'))).toBe(2);
    expect(exitCodeFor(new BenchError('PORT_BUSY', 'port 8088 is taken'))).toBe(2);
  });

  it('3: infrastructure (database, app, Docker, Python, results on disk)', () => {
    for (const code of ['DATABASE', 'APP_START', 'DOCKER', 'PYTHON', 'LOADGEN', 'RESULTS'] as const) expect(exitCodeFor(new BenchError(code, 'x'))).toBe(3);
  });

  it('4: a regression found by compare', () => {
    expect(exitCodeFor(new BenchError('REGRESSION', '2 cell(s) regressed'))).toBe(4);
  });

  it('1 and a stack for anything unknown (a bug); message and hint for known errors', () => {
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(1);
    expect(errorText(new TypeError('x is undefined'))).toMatch(/^TypeError: x is undefined\n {4}at /);
    expect(errorText(new BenchError('USAGE', 'bad', { hint: 'do this' }))).toBe('error: bad\nhint: do this\n');
    expect(errorText(new CommanderError(1, 'commander.unknownOption', 'printed by commander'))).toBe('');
  });

  // 130 and 143 come from the cleanup registry's signal handler; the full runs are in the fault suite.
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during cleanup-registered work exits %i after running the cleanups', async (signal, code) => {
    const script = `
      import { onCleanup } from './harness/cleanup.ts';
      onCleanup('test', async () => { process.stdout.write('cleaned\\n'); });
      setInterval(() => undefined, 1000);
      process.kill(process.pid, '${signal}');
    `;
    const r = await execa('node', ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, reject: false, timeout: 30_000 });
    expect(r.stdout).toBe('cleaned');
    expect(r.exitCode).toBe(code);
  });
});
