import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort, isAddressInUse, PORT_LOCK_DIR, PORT_RANGE, releasePort } from '../../harness/util/ports.ts';

describe('findFreePort', () => {
  it('claims each port it hands out, never hands it out twice, and gives it back on release', async () => {
    // The same random draw twice: the second call must skip the claimed port.
    let draws = 0;
    const random = () => (draws++ < 2 ? 0.5 : 0.25);
    const first = await findFreePort(random);
    const second = await findFreePort(random);
    expect(first).toBe(PORT_RANGE.min + Math.floor(0.5 * (PORT_RANGE.max - PORT_RANGE.min)));
    expect(second).not.toBe(first);
    expect(existsSync(path.join(PORT_LOCK_DIR, `${first}.lock`))).toBe(true);
    releasePort(first);
    releasePort(second);
    expect(existsSync(path.join(PORT_LOCK_DIR, `${first}.lock`))).toBe(false);
  });

  it('recognises address-in-use errors from Node and from server logs', () => {
    expect(isAddressInUse(Object.assign(new Error('listen EADDRINUSE: address already in use'), { code: 'EADDRINUSE' }))).toBe(true);
    expect(isAddressInUse('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use')).toBe(true);
    expect(isAddressInUse('FATAL: password authentication failed')).toBe(false);
  });
});
