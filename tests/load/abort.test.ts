import { describe, expect, it } from 'vitest';
import { abortable } from '../../harness/load/abort.ts';

describe('abortable', () => {
  it('rejects with the abort reason, not the error the abort caused', async () => {
    const controller = new AbortController();
    const run = abortable(controller.signal, async () => {
      controller.abort(new Error('flask exited (SIGKILL) during the measurement'));
      throw new Error('autocannon exited with SIGKILL');
    });
    await expect(run).rejects.toThrow('flask exited (SIGKILL) during the measurement');
  });

  it('does not start when already aborted, and passes results and errors through otherwise', async () => {
    let started = false;
    await expect(abortable(AbortSignal.abort(new Error('gone')), async () => (started = true))).rejects.toThrow('gone');
    expect(started).toBe(false);
    await expect(abortable(new AbortController().signal, async () => 42)).resolves.toBe(42);
    await expect(abortable(undefined, async () => Promise.reject(new Error('wrk failed')))).rejects.toThrow('wrk failed');
  });
});
