/**
 * Everything the harness starts registers how to stop it here, so Ctrl-C, SIGTERM and
 * crashes stop it too. Normal code paths still stop things in `finally` blocks and
 * unregister; this is the safety net for signals.
 */
type Cleanup = { name: string; run: () => Promise<void> };

const pending = new Set<Cleanup>();
const syncKillers = new Set<() => void>();
let installed = false;
let interrupted = false;

export function onCleanup(name: string, run: () => Promise<void>): () => void {
  installSignalHandlers();
  const entry = { name, run };
  pending.add(entry);
  return () => pending.delete(entry);
}

/** Last resort at process exit (sync only): e.g. SIGKILL a process group. */
export function onExitKill(kill: () => void): () => void {
  installSignalHandlers();
  syncKillers.add(kill);
  return () => syncKillers.delete(kill);
}

export function wasInterrupted(): boolean {
  return interrupted;
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

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for graceful cleanup.
      for (const kill of syncKillers) kill();
      process.exit(130);
    }
    interrupted = true;
    if (pending.size > 0) process.stderr.write(`\n${signal}: stopping apps, containers and databases (Ctrl-C again to force)\n`);
    void runCleanups((line) => process.stderr.write(`warning: ${line}\n`)).finally(() => {
      for (const kill of syncKillers) kill();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const kill of syncKillers) kill();
  });
}
