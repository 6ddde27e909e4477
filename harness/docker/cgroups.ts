import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BenchError } from '../errors.ts';

/**
 * The cgroup v2 directory of a process, from the text of /proc/<pid>/cgroup (its `0::/path`
 * line) and where cgroup2 is mounted: /sys/fs/cgroup on a v2 host, /sys/fs/cgroup/unified on a
 * hybrid one. The resource sampler reads cgroup v2 files (cpu.stat, memory.current) there.
 */
export function cgroupPathFromProc(procCgroup: string, unifiedRoot: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    const match = /^0::(\/.*)$/.exec(line.trim());
    if (match?.[1]) return path.join(unifiedRoot, match[1]);
  }
  return undefined;
}

/** Where cgroup2 is mounted: the whole tree (v2 host) or /sys/fs/cgroup/unified (hybrid v1+v2 host). */
function unifiedCgroupRoot(): string | undefined {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return '/sys/fs/cgroup';
  if (existsSync('/sys/fs/cgroup/unified/cgroup.controllers')) return '/sys/fs/cgroup/unified';
  return undefined;
}

/**
 * Finds the host cgroup v2 directory of a running container's main process. With dockerd's
 * cgroupfs driver that is <root>/docker/<container id>; with the systemd driver
 * <root>/system.slice/docker-<id>.scope. On a hybrid host the memory controller stays in v1
 * (<v1 root>/memory/docker/<id>), so only cpu.stat is complete in the v2 directory.
 */
export async function containerCgroupPath(pid: number, containerId: string): Promise<string> {
  const short = containerId.slice(0, 12);
  const root = unifiedCgroupRoot();
  if (!root) {
    throw new BenchError(
      'DOCKER',
      `no cgroup v2 hierarchy on this host (looked for /sys/fs/cgroup/cgroup.controllers and /sys/fs/cgroup/unified/), so container ${short} cannot be sampled`,
      {
        hint: 'boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) or use --runtime local',
      },
    );
  }
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  } catch (cause) {
    throw new BenchError('DOCKER', `cannot read /proc/${pid}/cgroup of container ${short}`, {
      cause,
      hint: "the harness must run on the Docker host (not in another container) to sample the app's CPU and memory",
    });
  }
  const found = cgroupPathFromProc(text, root);
  if (!found || !existsSync(path.join(found, 'cpu.stat'))) {
    throw new BenchError(
      'DOCKER',
      `no cgroup v2 directory with cpu.stat for container ${short} (pid ${pid}) under ${root}; /proc/${pid}/cgroup says:\n${text.trim()}`,
    );
  }
  return found;
}
