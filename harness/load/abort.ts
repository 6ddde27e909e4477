/**
 * Kills a child process the moment `signal` fires (the app or the database died, or Ctrl-C),
 * so a load run never outlives the thing it measures. Returns the hooks to hand the pid to
 * and to call when the run is over.
 */
export function killOnAbort(signal: AbortSignal | undefined): { onPid: (pid: number) => void; done: () => void } {
  let pid: number | undefined;
  const kill = () => {
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to stop.
    }
  };
  signal?.addEventListener('abort', kill, { once: true });
  return {
    onPid: (p) => {
      pid = p;
      if (signal?.aborted) kill();
    },
    done: () => signal?.removeEventListener('abort', kill),
  };
}

/** Runs `body`; when `signal` fired meanwhile, its reason (not the child's death it caused) is what rejects. */
export async function abortable<T>(signal: AbortSignal | undefined, body: () => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  try {
    const value = await body();
    signal?.throwIfAborted();
    return value;
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
