import { describe, expect, it } from 'vitest';
import { type Check, formatChecks, type MachineFacts, machineChecks, verdict } from '../../harness/commands/doctor-checks.ts';

const quiet: MachineFacts = {
  cores: 8,
  loadAvg1: 0.3,
  busy: [{ pid: 7, comm: 'sshd', coreShare: 0.01 }],
  openFilesLimit: 65_536,
  freeDiskBytes: 50 * 2 ** 30,
  diskPath: '/repo',
};
const required = (ok: boolean): Check[] => [
  { name: 'node >= 20', kind: 'required', ok: true, detail: 'v20' },
  { name: 'python 3.12+', kind: 'required', ok, detail: ok ? '/usr/bin/python3.13' : 'none found', fix: 'install Python 3.12+ or pass --python' },
];

describe('doctor', () => {
  it('is ready when everything required is there and the machine is quiet', () => {
    expect(verdict([...required(true), ...machineChecks(quiet)])).toEqual({ ready: true, line: 'ready for npm run bench' });
  });

  it('names what blocks a run', () => {
    expect(verdict(required(false))).toEqual({ ready: false, line: 'not ready: missing python 3.12+ (install Python 3.12+ or pass --python)' });
  });

  it('is ready with caveats on a busy, small machine or without optional tools', () => {
    const busy = machineChecks({
      ...quiet,
      cores: 2,
      loadAvg1: 1.5,
      busy: [{ pid: 42, comm: 'node', coreShare: 0.9 }],
      openFilesLimit: 256,
      freeDiskBytes: 2 ** 29,
    });
    expect(busy.filter((c) => !c.ok).map((c) => c.name)).toEqual(['cores', 'load average', 'busy processes', 'open-file limit', 'free disk']);
    expect(busy.find((c) => c.name === 'busy processes')?.detail).toBe('node (pid 42, 90%)');
    const v = verdict([...required(true), ...busy, { name: 'wrk', kind: 'optional', ok: false, detail: 'missing' }]);
    expect(v.ready).toBe(true);
    expect(v.line).toBe(
      'ready for npm run bench, but the machine is not quiet or roomy (cores, load average, busy processes, open-file limit, free disk), numbers may be disturbed; without wrk',
    );
  });

  it('prints required, optional and machine sections, fixes under failures, and the verdict last', () => {
    const text = formatChecks([...required(false), { name: 'wrk', kind: 'optional', ok: true, detail: '/usr/bin/wrk' }, ...machineChecks(quiet)]);
    expect(text.split('\n').slice(0, 7)).toEqual([
      'required:',
      '  ok      node >= 20                 v20',
      '  MISSING python 3.12+               none found',
      '          fix: install Python 3.12+ or pass --python',
      'optional:',
      '  ok      wrk                        /usr/bin/wrk',
      'machine readiness:',
    ]);
    expect(text.trim().split('\n').at(-1)).toMatch(/^not ready: missing python/);
  });
});
