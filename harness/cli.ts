import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { wasInterrupted } from './cleanup.ts';
import { compareCommand } from './commands/compare.ts';
import { doctorCommand } from './commands/doctor.ts';
import { errorText, exitCodeFor } from './commands/exit.ts';
import { listCommand } from './commands/list.ts';
import { reportCommand } from './commands/report.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { DEFAULT_BASE_IMAGE, DEFAULT_CONNECTION_CAP, DEFAULT_DB_IMAGE, OFFLINE_BASE_IMAGE, OFFLINE_DB_IMAGE } from './config/options.ts';
import { PROFILE_NAMES } from './config/profiles.ts';
import { SCHEDULES } from './config/schedule.ts';
import { type OutputMode, resolveOutputMode } from './output/mode.ts';
import { REPO_ROOT } from './paths.ts';
import { FRAMEWORK_ORDERS } from './report/report.ts';

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const program = new Command('crossover')
  .description('Benchmarks Python web frameworks against PostgreSQL and finds where the database, not the framework, is the bottleneck.')
  .version(VERSION, '-V, --version', 'print the version and exit')
  .addOption(new Option('-q, --quiet', 'print only the final tables and errors').conflicts('verbose'))
  .option('--json', 'print one JSON summary on stdout; tables go to stderr')
  .option('--verbose', 'also print the evidence tables and the full footnote')
  .addHelpText(
    'after',
    '\nOutput is plain text without colour (so NO_COLOR is always honoured). Exit codes: 0 ok, 2 usage, 3 infrastructure, failed cells or (--no-wait) another run measuring, 4 regression, 130/143 interrupted.',
  )
  .showHelpAfterError()
  // Every parse error (unknown option or command, bad choice, missing argument) becomes exit 2 below.
  .exitOverride();

/** The output mode from the global options, decided once here at the edge. */
const modeOf = (command: Command): OutputMode =>
  resolveOutputMode(command.optsWithGlobals<{ quiet?: boolean; json?: boolean; verbose?: boolean }>(), process.env, {
    stdout: process.stdout,
    stderr: process.stderr,
  });
const sortOption = () =>
  new Option('--sort <order>', "framework order in the tables: 'run' (as listed) or 'rps' (fastest first)").choices(FRAMEWORK_ORDERS).default('run');

program
  .command('run')
  .description('run the benchmark and write <out>/results.json, results.md and results.csv')
  .option(
    '--frameworks <list>',
    "comma-separated apps: base apps and variants by name, '<base>+' for a base app and all its variants (e.g. fastapi+); default: the quick profile runs the six base apps (no variant, not django-ninja or litestar), standard and full run every app (crossover list shows them)",
  )
  .option('--scenarios <list>', 'comma-separated scenarios (default: all)')
  .addOption(new Option('--runtime <kind>', 'where apps run').choices(['local', 'docker', 'auto']).default('auto'))
  .option('--db <db>', "'embedded', 'docker' or a postgres:// URL", 'embedded')
  .addOption(new Option('--profile <name>', 'defaults for duration, repeats, sweeps').choices(PROFILE_NAMES).default('quick'))
  .option('--duration <s>', 'measured seconds per cell')
  .option('--warmup <s>', 'warm-up seconds per cell')
  .option('--connections <list>', 'load generator connections, comma-separated')
  .option('--repeat <n>', 'measurements per cell')
  .option('--db-latencies <list>', 'slow-db latencies in ms, comma-separated (overrides the profile)')
  .option('--connection-cap <n>', 'database connections every app may hold', String(DEFAULT_CONNECTION_CAP))
  .option('--out <dir>', 'output folder, new or empty (default results/<UTC timestamp>-<profile>/)')
  .option(
    '--python <path[,path]>',
    'Python for local virtualenvs and wheel downloads, new enough for the selected apps (3.12 for all); several, comma-separated, run every app under each as <app>-py3.N (local virtualenvs; docs/variants.md)',
  )
  .option('--base-image <image>', `base image of the app images (default ${DEFAULT_BASE_IMAGE}, or ${OFFLINE_BASE_IMAGE} when only that is present)`)
  .option('--db-image <image>', `PostgreSQL image for --db docker (default ${DEFAULT_DB_IMAGE}, or ${OFFLINE_DB_IMAGE} when only that is present)`)
  .option('--no-interleave', 'run all repeats of a framework back to back')
  .addOption(
    new Option(
      '--schedule <kind>',
      "closed-loop cells: 'restart' (each framework started, measured, stopped per round) or 'side-by-side' (every app up at once, frameworks of a cell back to back in a random order per round, until precise enough; docs/schedule.md)",
    )
      .choices(SCHEDULES)
      .default('restart'),
  )
  .option('--seed <n>', 'seed of the side-by-side round order, recorded in results.json (default: from the start time)')
  .option(
    '--precision <pct>',
    "side by side: rounds go on until every ratio's 95% interval is within ±pct% (default: the profile's: quick 5, standard 2, full 1)",
  )
  .option('--budget <s>', "side by side: seconds of rounds at most (default: the profile's: quick 150, standard 1200, full 3600)")
  .option('--cross-check', 're-measure json and db cells with wrk and report the autocannon/wrk ratio')
  .option('--synchronous-commit <on|off>', "synchronous_commit of the database the harness starts (default: PostgreSQL's, on; TechEmpower ran off)")
  .option('--db-rtt <list>', 'round trips in ms added between app and database, comma-separated (docs/network.md)')
  .option(
    '--app-host <host>',
    'where the apps run: an address to bind and reach (default 127.0.0.1), netns (a namespace of their own), or a Docker engine ssh://user@host, tcp://host:2376 (docs/network.md)',
  )
  .option(
    '--rates <list>',
    "open-loop slow-db sweep at these offered rates: requests/s (300) or shares of the slowest framework's closed-loop throughput (50%), comma-separated (docs/open-loop.md)",
  )
  .addOption(new Option('--arrival <kind>', "open-loop request spacing (alone: the profile's rates, or 50%)").choices(['constant', 'poisson']))
  .option('--no-wait', 'exit 3 instead of waiting when another crossover run is measuring on this machine (docs/faults.md)')
  .addOption(sortOption())
  .option('--baseline <framework>', 'also set every framework against this one, per column, with 95% intervals')
  .action((flags, command: Command) => runCommand(flags, modeOf(command)));

program
  .command('serve <framework>')
  .description('start one app (and the embedded database) until Ctrl-C')
  .option('--port <n>', 'port on 127.0.0.1', '8088')
  .addOption(new Option('--runtime <kind>', 'where the app runs').choices(['local', 'docker', 'auto']).default('local'))
  .option('--db <db>', "'embedded', 'docker' or a postgres:// URL", 'embedded')
  .option('--python <path>', "Python new enough for the app (its manifest's requiresPython)")
  .option('--base-image <image>', `base image for --runtime docker (default ${DEFAULT_BASE_IMAGE})`)
  .option('--db-image <image>', `PostgreSQL image for --db docker (default ${DEFAULT_DB_IMAGE})`)
  .action(serveCommand);

program
  .command('report <runDir>')
  .description('rebuild every table and report file from results.json, without re-running')
  .addOption(sortOption())
  .option('--baseline <framework>', "set every framework against this one, per column, with 95% intervals (replaces the run's --baseline)")
  .action((runDir: string, flags, command: Command) => reportCommand(runDir, flags, modeOf(command)));
program
  .command('compare <baseline> <candidate>')
  .description('per-cell changes with 95% intervals; exits 4 when a cell regressed beyond the threshold')
  .option('--threshold <pct>', 'regression threshold in percent of requests/s', '10')
  .addOption(
    new Option('--relative', "judge each framework by its ratio to the others in its column (default when the runs' machines differ)").conflicts('absolute'),
  )
  .option('--absolute', 'judge each cell by its own requests/s (default on the same machine)')
  .addOption(new Option('--format <format>', 'how the comparison is printed').choices(['text', 'markdown', 'json']).default('text'))
  .action((baseline: string, candidate: string, flags, command: Command) => compareCommand(baseline, candidate, flags, modeOf(command)));
program.command('list').description('frameworks, scenarios and profiles').action(listCommand);
program
  .command('doctor')
  .description('what is installed, what is missing, whether the machine is ready to measure')
  .option('--strict', 'exit 3 when something required is missing')
  .action((flags: { strict?: boolean }) => doctorCommand(flags));

try {
  await program.parseAsync();
} catch (error) {
  // After Ctrl-C, errors are the echo of stopping things; the signal handler finishes cleanup and exits 130.
  if (wasInterrupted()) await new Promise(() => undefined);
  process.stderr.write(errorText(error));
  process.exit(exitCodeFor(error));
}
