import { describe, expect, it } from 'vitest';
import { FALLBACK_WIDTH, isCi, resolveOutputMode } from '../../harness/output/mode.ts';

const tty = { isTTY: true, columns: 80 };
const pipe = { isTTY: false };

describe('output mode', () => {
  it('draws a live bar only on a TTY outside CI', () => {
    expect(resolveOutputMode({}, {}, { stdout: tty, stderr: tty }).live).toBe(true);
    expect(resolveOutputMode({}, { CI: 'true' }, { stdout: tty, stderr: tty }).live).toBe(false);
    expect(resolveOutputMode({}, {}, { stdout: tty, stderr: pipe }).live).toBe(false);
    expect(isCi({ CI: 'false' })).toBe(false);
  });

  it('takes the width of the stream the tables go to, COLUMNS for a pipe, else 100', () => {
    expect(resolveOutputMode({}, {}, { stdout: tty, stderr: { isTTY: true, columns: 200 } }).width).toBe(80);
    expect(resolveOutputMode({ json: true }, {}, { stdout: pipe, stderr: { isTTY: true, columns: 200 } }).width).toBe(200);
    expect(resolveOutputMode({}, { COLUMNS: '120' }, { stdout: pipe, stderr: pipe }).width).toBe(120);
    expect(resolveOutputMode({}, {}, { stdout: pipe, stderr: pipe }).width).toBe(FALLBACK_WIDTH);
  });
});
