import { execa, type ResultPromise } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';

/** tsx's loader by absolute URL, so children work whatever the current directory is. */
const TSX_LOADER = import.meta.resolve('tsx');

export interface NodeChildOptions {
  /** Absolute path of a .ts entry point. */
  script: string;
  args: string[];
  /** CPUs the child is pinned to with taskset (when pin is true). */
  cpus: number[];
  pin: boolean;
  /** The child is killed after this long: every load run is bounded. */
  timeoutS: number;
  what: string;
  onPid?: ((pid: number) => void) | undefined;
  /** The child printed `measuring` on stderr: its warm-up is over. */
  onMeasureStart?: (() => void) | undefined;
}

function spawnChild(o: NodeChildOptions): ResultPromise<{ reject: false; timeout: number }> {
  const nodeArgs = ['--import', TSX_LOADER, o.script, ...o.args];
  const [file, args] = o.pin ? ['taskset', ['-c', o.cpus.join(','), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  return execa(file, args as string[], { reject: false, timeout: o.timeoutS * 1000 });
}

/** Runs a TypeScript child pinned to its CPUs and returns its stdout; fails with its stderr. */
export async function runNodeChild(o: NodeChildOptions): Promise<string> {
  const child = spawnChild(o);
  const unregister = onCleanup(o.what, async () => {
    child.kill('SIGKILL');
  });
  if (child.pid !== undefined) o.onPid?.(child.pid);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('measuring')) o.onMeasureStart?.();
  });
  const done = await child;
  unregister();
  if (done.timedOut) throw new BenchError('LOADGEN', `${o.what} did not finish within ${o.timeoutS} s`);
  if (done.exitCode !== 0) {
    const tail = String(done.stderr).trim().split('\n').filter((l) => l !== 'measuring').slice(-3).join(' | ');
    throw new BenchError('LOADGEN', `${o.what} exited with ${done.exitCode ?? done.signal}: ${tail}`);
  }
  return String(done.stdout);
}

/** Starts a long-lived TypeScript child (a server) that prints its port first; returns port and stop. */
export async function startNodeServer(o: Omit<NodeChildOptions, 'onMeasureStart'>): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawnChild(o);
  const stop = async () => {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  };
  const unregister = onCleanup(o.what, stop);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    void child.then((r) => reject(new BenchError('LOADGEN', `${o.what} exited before listening: ${String(r.stderr).slice(-200)}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      unregister();
      await stop();
    },
  };
}
