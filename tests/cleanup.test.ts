import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STOP_BUDGET_MS } from '../harness/cleanup.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crossover-cleanup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLEANUP = path.resolve('harness/cleanup.ts');

/** A node process with one cleanup that records it ran (and optionally hangs), and a sync killer that records it ran. */
function child(name: string, o: { hang: boolean }) {
  const mark = (what: string) => `process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(path.join(dir, name))}, ${JSON.stringify(`${what}\n`)})`;
  const script = `
    import { onCleanup, onExitKill } from ${JSON.stringify(CLEANUP)};
    onCleanup('slow thing', async () => { ${mark('cleanup started')}; ${o.hang ? 'await new Promise(() => {});' : ''} });
    onExitKill(() => { ${mark('killer ran')}; });
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<void>((resolve) => p.stdout.once('data', () => resolve()));
  const exited = new Promise<{ code: number | null; atMs: number }>((resolve) => p.once('exit', (code) => resolve({ code, atMs: Date.now() })));
  return { p, ready, exited, marks: () => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8').trim().split('\n') : []) };
}

/** The graceful cleanup first; the sync killers after it (they also run again at 'exit', which is harmless). */
function expectCleanupThenKiller(marks: string[]): void {
  expect(marks[0]).toBe('cleanup started');
  expect(marks.slice(1).length).toBeGreaterThan(0);
  expect(new Set(marks.slice(1))).toEqual(new Set(['killer ran']));
}

describe('stop on signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s runs the cleanups and the sync killers and exits %i', async (signal, code) => {
    const c = child(`quick-${signal}`, { hang: false });
    await c.ready;
    c.p.kill(signal);
    expect((await c.exited).code).toBe(code);
    expectCleanupThenKiller(c.marks());
  });

  it('a cleanup that hangs is cut off after the stop budget; the sync killers still run', async () => {
    const c = child('hang', { hang: true });
    await c.ready;
    const sent = Date.now();
    c.p.kill('SIGTERM');
    const exit = await c.exited;
    expect(exit.code).toBe(143);
    expect(exit.atMs - sent).toBeGreaterThanOrEqual(STOP_BUDGET_MS - 100);
    expect(exit.atMs - sent).toBeLessThan(STOP_BUDGET_MS + 1500);
    expectCleanupThenKiller(c.marks());
  });

  it('a copy of the signal right after the first (npm forwarding it) does not force the stop', async () => {
    const c = child('twice', { hang: true });
    await c.ready;
    const sent = Date.now();
    c.p.kill('SIGTERM');
    setTimeout(() => c.p.kill('SIGTERM'), 100);
    const exit = await c.exited;
    expect(exit.atMs - sent).toBeGreaterThanOrEqual(STOP_BUDGET_MS - 100);
  });
});
