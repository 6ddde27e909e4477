import { execa } from 'execa';
import { BenchError } from '../errors.ts';
import { createLink, planLink } from './link.ts';

/** How --db-rtt adds its delay: the kernel's netem qdisc on a veth pair, a user-space delay proxy, or not at all. */
export type NetworkMethod = 'netem' | 'proxy' | 'none';

/** A doctor line: the same shape as the doctor command's checks. */
export interface NetworkCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

async function has(cmd: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${cmd}`], { reject: false })).exitCode === 0;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * Whether the kernel has netem: a scratch namespace and veth pair, and `tc qdisc add ...
 * netem delay 0ms` on it. Everything is removed again. False without root or iproute2.
 */
export async function netemAvailable(): Promise<{
  ok: boolean;
  reason: string;
}> {
  if (!isRoot()) return { ok: false, reason: 'not root (namespaces and qdiscs need root)' };
  if (!(await has('ip')) || !(await has('tc'))) return { ok: false, reason: 'iproute2 (ip, tc) is not installed' };
  const probe = planLink(`netem-probe-${process.pid}-${Date.now()}`, 0);
  const link = await createLink(probe).catch((error: unknown) => error as Error);
  if (link instanceof Error)
    return {
      ok: false,
      reason: `cannot create a namespace and veth pair: ${link.message}`,
    };
  try {
    const r = await execa('tc', ['qdisc', 'add', 'dev', probe.hostIf, 'root', 'netem', 'delay', '0ms'], { reject: false });
    return r.exitCode === 0
      ? { ok: true, reason: 'netem qdisc available' }
      : {
          ok: false,
          reason: `tc qdisc netem failed: ${String(r.stderr).trim().split('\n')[0]}`,
        };
  } finally {
    await link.remove();
  }
}

/** netem where the kernel has it, else the delay proxy; 'none' when every requested RTT is 0. */
export async function chooseNetworkMethod(
  rttsMs: number[],
  netem: () => Promise<{ ok: boolean; reason: string }> = netemAvailable,
): Promise<{ method: NetworkMethod; reason: string }> {
  if (rttsMs.every((r) => r === 0)) return { method: 'none', reason: 'no --db-rtt' };
  const n = await netem();
  if (n.ok) return { method: 'netem', reason: n.reason };
  if (!(await has('taskset'))) {
    throw new BenchError('NETWORK', "--db-rtt: the delay proxy needs taskset to run on the database's CPUs, and netem is unavailable too", {
      hint: `netem: ${n.reason}; install util-linux for taskset`,
    });
  }
  return {
    method: 'proxy',
    reason: `netem unavailable (${n.reason}); TCP delay proxy on the database's CPUs`,
  };
}

/** What `crossover doctor` should list for --db-rtt (call it from the doctor command). */
export async function networkChecks(): Promise<NetworkCheck[]> {
  const netem = await netemAvailable();
  return [
    {
      name: 'iproute2',
      ok: (await has('ip')) && (await has('tc')),
      detail: 'ip and tc, for --db-rtt netem and app namespaces',
      fix: 'apt-get install iproute2',
    },
    {
      name: 'netem',
      ok: netem.ok,
      detail: netem.ok ? 'kernel delay for --db-rtt' : `${netem.reason}; --db-rtt uses the delay proxy instead`,
      fix: 'run as root on a kernel with sch_netem (modprobe sch_netem), or rely on the proxy',
    },
    {
      name: 'db-rtt proxy',
      ok: await has('taskset'),
      detail: 'TCP delay proxy for --db-rtt where netem is missing (needs taskset)',
      fix: 'apt-get install util-linux',
    },
  ];
}
