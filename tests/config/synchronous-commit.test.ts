import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { applySynchronousCommit } from '../../harness/db/synchronous-commit.ts';

const known = { frameworks: ['django', 'fastapi'], scenarios: ['db', 'updates'] };
const now = new Date('2026-12-07T03:00:00Z');

describe('--synchronous-commit', () => {
  it("leaves the server's setting alone unless asked, and takes on or off", () => {
    expect(resolveRunConfig({}, known, now).synchronousCommit).toBeUndefined();
    expect(resolveRunConfig({ synchronousCommit: 'off' }, known, now).synchronousCommit).toBe('off');
    expect(() => resolveRunConfig({ synchronousCommit: 'local' as 'on' }, known, now)).toThrow(/synchronousCommit|synchronous/i);
  });

  it('refuses a database the harness did not start: the setting would outlive the run', async () => {
    await expect(applySynchronousCommit({ kind: 'url', url: 'postgres://u:p@127.0.0.1:1/x' }, 'off')).rejects.toThrow(
      '--synchronous-commit off applies to a database the harness starts',
    );
  });
});
