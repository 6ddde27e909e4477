import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';
import { CURRENT_MODE, type NodeChildMode, nodeChildArgv } from '../util/node-child.ts';
import type { ProxySpec } from './proxy-spec.ts';

const CHILD = fileURLToPath(new URL('./proxy-child.ts', import.meta.url));
/** The proxy binds in well under a second; a loaded CI machine gets ten. */
const START_TIMEOUT_MS = 10_000;

/** A running delay proxy: one process, one bound port per listener of its spec. */
export interface RunningProxy {
  pid: number;
  /** In the order of the spec's listeners. */
  ports: number[];
  stop(): Promise<void>;
}

/** Pure: the argv that starts the proxy, pinned with taskset when `cpus` is not empty, inside `netns` when given. */
export function proxyCommand(spec: ProxySpec, cpus: number[], netns?: string, mode: NodeChildMode = CURRENT_MODE): string[] {
  // Like every child: its compiled sibling with plain node when the harness is compiled, through tsx in tests.
  const { file, args } = nodeChildArgv({ script: CHILD, args: [JSON.stringify(spec)], cpus, pin: cpus.length > 0 }, mode);
  const argv = [file, ...args];
  return netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
}

/**
 * Starts the proxy process and waits for its ports. It is stopped by stop(), by the cleanup
 * registry on Ctrl-C, and exits by itself when the harness's pipe to it closes.
 */
export async function startProxy(spec: ProxySpec, cpus: number[], netns?: string): Promise<RunningProxy> {
  const [file, ...args] = proxyCommand(spec, cpus, netns);
  const child = execa(file!, args, {
    reject: false,
    stdin: 'pipe',
    stderr: 'pipe',
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      unregister();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await child;
      clearTimeout(timer);
    })());
  const unregister = onCleanup(`delay proxy ${spec.title}`, stop);
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ports within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        resolve(JSON.parse(out.split('\n')[0]!) as number[]);
      });
      void child.then((r) => reject(new Error(`exited (${r.exitCode ?? r.signal}): ${String(r.stderr).trim().split('\n').slice(-3).join(' | ')}`)));
    });
    return { pid: child.pid!, ports, stop };
  } catch (cause) {
    await stop();
    throw new BenchError('NETWORK', `the delay proxy ${spec.title} did not start: ${(cause as Error).message}`, { cause });
  }
}
