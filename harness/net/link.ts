import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { onCleanup } from '../cleanup.ts';
import { BenchError } from '../errors.ts';

/**
 * A network namespace joined to the host by a veth pair, on a private /30: the host end gets
 * .1, the namespace end .2. Used by the netem method of --db-rtt and by the app-namespace
 * test standing in for a second host. Names carry a hash of the run id, so leftovers can be
 * traced (`ip netns list`, `ip link`) and two runs never collide.
 */
export interface LinkPlan {
  netns: string;
  hostIf: string;
  nsIf: string;
  hostAddr: string;
  nsAddr: string;
  /** netem delay added on each end's egress, in ms; undefined for a plain link. */
  delayMsPerSide?: number | undefined;
}

/** The 8 hex digits naming a run's namespaces and interfaces (interface names are limited to 15 bytes). */
export function runTag(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 8);
}

/**
 * Pure: link number `index` of run `runId`. Addresses are 10.231.X.(4*index)/30 with X from
 * the run's hash, so parallel runs on one machine (CI, other helpers) do not share a subnet.
 */
export function planLink(runId: string, index: number, delayMsPerSide?: number): LinkPlan {
  const tag = runTag(runId);
  const third = Number.parseInt(tag.slice(0, 2), 16);
  const base = 4 * index;
  if (index < 0 || base > 248) throw new BenchError('USAGE', `link index ${index} is out of range (0-62)`);
  return {
    netns: `crossover-${tag}-${index}`,
    hostIf: `xbh${tag.slice(0, 6)}${index.toString(36)}`,
    nsIf: `xbn${tag.slice(0, 6)}${index.toString(36)}`,
    hostAddr: `10.231.${third}.${base + 1}`,
    nsAddr: `10.231.${third}.${base + 2}`,
    delayMsPerSide,
  };
}

/** Pure: netem's delay argument, in microseconds so fractions of a millisecond survive. */
export function netemDelayArg(ms: number): string {
  return `${Math.round(ms * 1000)}us`;
}

/** Pure: the commands that build the link, in order. */
export function linkUpCommands(p: LinkPlan): string[][] {
  const inNs = (...cmd: string[]) => ['ip', 'netns', 'exec', p.netns, ...cmd];
  const cmds = [
    ['ip', 'netns', 'add', p.netns],
    ['ip', 'link', 'add', p.hostIf, 'type', 'veth', 'peer', 'name', p.nsIf],
    ['ip', 'link', 'set', p.nsIf, 'netns', p.netns],
    ['ip', 'addr', 'add', `${p.hostAddr}/30`, 'dev', p.hostIf],
    ['ip', 'link', 'set', p.hostIf, 'up'],
    inNs('ip', 'addr', 'add', `${p.nsAddr}/30`, 'dev', p.nsIf),
    inNs('ip', 'link', 'set', p.nsIf, 'up'),
    inNs('ip', 'link', 'set', 'lo', 'up'),
  ];
  if (p.delayMsPerSide !== undefined) {
    const delay = netemDelayArg(p.delayMsPerSide);
    cmds.push(['tc', 'qdisc', 'add', 'dev', p.hostIf, 'root', 'netem', 'delay', delay]);
    cmds.push(inNs('tc', 'qdisc', 'add', 'dev', p.nsIf, 'root', 'netem', 'delay', delay));
  }
  return cmds;
}

/** Pure: the commands that remove it. Deleting the namespace deletes its veth end, which deletes the pair and its qdiscs. */
export function linkDownCommands(p: LinkPlan): string[][] {
  return [
    ['ip', 'netns', 'del', p.netns],
    ['ip', 'link', 'del', p.hostIf],
  ];
}

export interface Link {
  plan: LinkPlan;
  remove(): Promise<void>;
}

/** Builds the link (root and iproute2 needed); removed by remove(), or by the cleanup registry on Ctrl-C. */
export async function createLink(plan: LinkPlan): Promise<Link> {
  let removing: Promise<void> | undefined;
  const remove = () =>
    (removing ??= (async () => {
      unregister();
      // Either command may find nothing left to delete (the first removes both ends): not an error.
      for (const [file, ...args] of linkDownCommands(plan)) await execa(file!, args, { reject: false });
    })());
  const unregister = onCleanup(`network namespace ${plan.netns}`, remove);
  for (const [file, ...args] of linkUpCommands(plan)) {
    const r = await execa(file!, args, { reject: false });
    if (r.exitCode !== 0) {
      await remove();
      throw new BenchError(
        'NETWORK',
        `\`${[file, ...args].join(' ')}\` failed: ${
          String(r.stderr || r.message)
            .trim()
            .split('\n')[0]
        }`,
        {
          hint: 'network namespaces need root and iproute2 (ip, tc); run `crossover doctor`',
        },
      );
    }
  }
  return { plan, remove };
}

/** Names of the network namespaces that exist now (`ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  return String(r.stdout)
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

/** Names of the network interfaces of the host namespace (`ip -o link`). */
export async function listInterfaces(): Promise<string[]> {
  const r = await execa('ip', ['-o', 'link'], { reject: false });
  return String(r.stdout)
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter(Boolean);
}
