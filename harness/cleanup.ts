/**
 * Everything the harness starts registers how to stop it here, so signals, a vanished
 * parent and crashes stop it too. Normal code paths still stop things in `finally` blocks
 * and unregister; this is the safety net. Signals, exit codes and the stop budget are
 * described in docs/faults.md.
 *
 * Every child the harness starts runs in a process group of its own (`detached`), so a
 * terminal's Ctrl-C, which goes to the whole foreground group, reaches only the harness;
 * the harness then stops the children in order (load, apps, database) instead of each one
 * reacting to the signal on its own at the same moment.
 */
type Cleanup = { name: string; run: () => Promise<void> };

const pending = new Set<Cleanup>();
const syncKillers = new Set<() => void>();
let installed = false;
let stoppingOn: StopSignal | undefined;
let stoppingSince = 0;

/**
 * npm forwards SIGINT/SIGTERM to the command it runs, so a signal to the whole group
 * arrives twice within milliseconds; repeats inside this window are that copy, not a
 * person pressing Ctrl-C again to force the stop.
 */
const REPEAT_SIGNAL_GRACE_MS = 1_000;

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** The shell convention, 128 + signal number: what `$?` shows after a process dies of it. */
export const SIGNAL_EXIT_CODES: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Graceful stopping after a signal gets this long before everything left is killed
 * outright: the contract is "stopped within 5 s", and Node's own exit plus the kernel
 * reaping the process groups take a few hundred milliseconds.
 */
export const STOP_BUDGET_MS = 4_000;

/** How often the parent is checked; a supervisor that died is noticed within this. */
const PARENT_POLL_MS = 500;

export function onCleanup(name: string, run: () => Promise<void>): () => void {
  installSignalHandlers();
  const entry = { name, run };
  pending.add(entry);
  return () => pending.delete(entry);
}

/** Last resort at process exit (sync only): e.g. SIGKILL a process group, remove a data folder. */
export function onExitKill(kill: () => void): () => void {
  installSignalHandlers();
  syncKillers.add(kill);
  return () => syncKillers.delete(kill);
}

export function wasInterrupted(): boolean {
  return stoppingOn !== undefined;
}

/** The signal the run is stopping on (a vanished parent counts as SIGHUP). */
export function interruptSignal(): StopSignal | undefined {
  return stoppingOn;
}

/** Runs every registered cleanup, newest first; failures become warnings. */
export async function runCleanups(warn: (line: string) => void): Promise<void> {
  for (const entry of [...pending].reverse()) {
    pending.delete(entry);
    try {
      await entry.run();
    } catch (error) {
      warn(`cleanup '${entry.name}' failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function runSyncKillers(): void {
  for (const kill of [...syncKillers]) {
    try {
      kill();
    } catch {
      // The next killer must still run.
    }
  }
}

/** Stops everything (gracefully within STOP_BUDGET_MS, then by force) and exits with the signal's code. */
export function stopOnSignal(signal: StopSignal, why: string = signal, source: 'signal' | 'parent' = 'signal'): void {
  const code = SIGNAL_EXIT_CODES[signal];
  if (stoppingOn !== undefined) {
    // A parent that vanished while stopping (npm exits on SIGTERM at once), or a copy of the
    // first signal forwarded by npm or a shell, must not cut the graceful stop short; a
    // second Ctrl-C from a person comes later than that.
    if (source === 'parent' || Date.now() - stoppingSince < REPEAT_SIGNAL_GRACE_MS) return;
    runSyncKillers();
    process.exit(SIGNAL_EXIT_CODES[stoppingOn]);
  }
  stoppingOn = signal;
  stoppingSince = Date.now();
  // From here on, errors thrown by work in flight (a database client whose server was just
  // stopped, a load generator that was killed) are echoes of stopping, not new failures:
  // they must not crash the process before cleanup is done or change its exit code.
  const echo = (error: unknown) => process.stderr.write(`(while stopping: ${error instanceof Error ? error.message : String(error)})\n`);
  process.on('uncaughtException', echo);
  process.on('unhandledRejection', echo);
  if (pending.size > 0) process.stderr.write(`\n${why}: stopping apps, containers and databases (Ctrl-C again to force)\n`);
  const budget = setTimeout(() => {
    process.stderr.write(`warning: stopping took over ${STOP_BUDGET_MS / 1000} s; killing what is left\n`);
    runSyncKillers();
    process.exit(code);
  }, STOP_BUDGET_MS);
  void runCleanups((line) => process.stderr.write(`warning: ${line}\n`)).finally(() => {
    clearTimeout(budget);
    runSyncKillers();
    process.exit(code);
  });
}

/**
 * When the parent goes away (a supervisor, npm or a terminal killed with SIGKILL), the
 * harness is re-parented to init or a subreaper and would run on unseen: it stops as on SIGHUP.
 */
function watchParent(): void {
  const parent = process.ppid;
  // Started directly under init (a container's PID 1, a daemon): there is no parent to lose.
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stopOnSignal('SIGHUP', `SIGHUP (parent process ${parent} is gone)`, 'parent');
    }
  }, PARENT_POLL_MS);
  timer.unref();
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) process.on(signal, () => stopOnSignal(signal));
  watchParent();
  process.on('exit', runSyncKillers);
}

/** Installs the handlers before anything starts, so a signal during startup is handled too. */
export function installStopHandlers(): void {
  installSignalHandlers();
}
