import { execa } from 'execa';
import { REPO_ROOT } from '../paths.ts';

/** The harness's commit when it runs from a git checkout; undefined from a tarball or without git. */
export async function harnessCommit(): Promise<string | undefined> {
  const r = await execa('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'], { reject: false, timeout: 5_000 });
  return r.exitCode === 0 && /^[0-9a-f]{40}$/.test(r.stdout.trim()) ? r.stdout.trim() : undefined;
}
