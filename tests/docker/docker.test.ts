import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, buildError, buildLogLines } from '../../harness/docker/build.ts';
import { cgroupPathFromProc } from '../../harness/docker/cgroups.ts';
import { exitFromStatusCode } from '../../harness/docker/client.ts';
import { imageTag, pickImage } from '../../harness/docker/images.ts';
import { demuxDockerLogs } from '../../harness/docker/logs.ts';

/** One frame of Docker's multiplexed log stream. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('build stream', () => {
  // Recorded from dockerd 20.10: the stream of a failed RUN ends without a transport error.
  const failed: BuildEvent[] = [
    { stream: 'Step 3/3 : RUN echo "crossover-broken-step: about to fail" && exit 7' },
    { stream: '\n' },
    { stream: ' ---> Running in 5c0d2b3f1a2e\n' },
    { stream: 'crossover-broken-step: about to fail\n' },
    {
      errorDetail: { code: 7, message: 'The command \'/bin/sh -c echo "crossover-broken-step: about to fail" && exit 7\' returned a non-zero code: 7' },
      error: 'The command \'/bin/sh -c echo "crossover-broken-step: about to fail" && exit 7\' returned a non-zero code: 7',
    },
  ];

  it('finds the error event even when it is not the last one', () => {
    expect(buildError([...failed, { stream: 'trailing\n' }])).toMatch(/returned a non-zero code: 7$/);
    expect(buildError([{ stream: 'Successfully built abc\n' }])).toBeUndefined();
    expect(buildError([{ errorDetail: { message: 'only detail' } }])).toBe('only detail');
  });

  it('keeps the log lines in order with the error last', () => {
    const lines = buildLogLines(failed);
    expect(lines).toContain('crossover-broken-step: about to fail');
    expect(lines.at(-1)).toMatch(/^ERROR: The command/);
  });
});

describe('container logs', () => {
  it('demultiplexes stdout and stderr frames in order', () => {
    const logs = demuxDockerLogs(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]));
    expect(logs).toEqual({ stdout: 'out 1\nout 2\n', stderr: 'err 1\n', combined: 'out 1\nerr 1\nout 2\n' });
  });
});

describe('cgroup path', () => {
  const id = 'e639e25ca47ea738e156d4d6dd63443e139e8e6a3d913e0670421641ed5dc4b5';
  it('uses the 0:: line on a hybrid host (dockerd cgroupfs driver)', () => {
    const hybrid = `4:memory:/docker/${id}\n2:cpuacct:/docker/${id}\n0::/docker/${id}\n`;
    expect(cgroupPathFromProc(hybrid, '/sys/fs/cgroup/unified')).toBe(`/sys/fs/cgroup/unified/docker/${id}`);
  });
  it('uses the 0:: line on a cgroup v2 host (systemd driver)', () => {
    expect(cgroupPathFromProc(`0::/system.slice/docker-${id}.scope\n`, '/sys/fs/cgroup')).toBe(`/sys/fs/cgroup/system.slice/docker-${id}.scope`);
  });
  it('finds nothing on a pure v1 host', () => {
    expect(cgroupPathFromProc(`4:memory:/docker/${id}\n`, '/sys/fs/cgroup')).toBeUndefined();
  });
});

describe('small pure helpers', () => {
  it('names images by app and the first 16 hex of the hash', () => {
    expect(imageTag('fastapi', 'abcdef0123456789ffff')).toBe('crossover-bench/fastapi:abcdef0123456789');
  });
  it('reads 128 + n as death by signal n', () => {
    expect(exitFromStatusCode(137)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exitFromStatusCode(0)).toEqual({ code: 0, signal: null });
    expect(exitFromStatusCode(null)).toEqual({ code: null, signal: null });
  });
});

describe('pickImage', () => {
  /** A daemon that has exactly `present`; other images answer 404 as dockerd does. */
  function fakeDocker(present: string[]): Docker {
    const getImage = (name: string) => ({
      inspect: async () => {
        if (present.includes(name)) return { Id: `sha256:${name}` };
        throw Object.assign(new Error(`no such image: ${name}`), { statusCode: 404 });
      },
    });
    return { getImage } as unknown as Docker;
  }
  it('takes the image asked for without asking the daemon', async () => {
    expect(await pickImage('mine:1', 'postgres:18', 'crossover-postgres:trixie', fakeDocker([]))).toBe('mine:1');
  });
  it('prefers the registry default, then the offline image, then nothing', async () => {
    expect(await pickImage(undefined, 'postgres:18', 'offline', fakeDocker(['postgres:18', 'offline']))).toBe('postgres:18');
    expect(await pickImage(undefined, 'postgres:18', 'offline', fakeDocker(['offline']))).toBe('offline');
    expect(await pickImage(undefined, 'postgres:18', 'offline', fakeDocker([]))).toBeUndefined();
  });
});
