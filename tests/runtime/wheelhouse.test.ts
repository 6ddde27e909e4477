import { describe, expect, it } from 'vitest';
import { manylinuxPlatforms, pipDownloadArgs } from '../../harness/runtime/wheelhouse.ts';

describe('wheelhouse flags', () => {
  it('lists every manylinux tag up to the image glibc, legacy aliases included', () => {
    const platforms = manylinuxPlatforms({ glibcVersion: '2.41', machine: 'x86_64' });
    expect(platforms[0]).toBe('manylinux_2_41_x86_64');
    expect(platforms).toContain('manylinux_2_5_x86_64');
    expect(platforms).not.toContain('manylinux_2_42_x86_64');
    expect(platforms.slice(-3)).toEqual(['manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64']);
    expect(manylinuxPlatforms({ glibcVersion: '2.36', machine: 'aarch64' }).slice(-1)).toEqual(['manylinux2014_aarch64']);
  });
  it('asks pip for the image Python, not the host one', () => {
    const args = pipDownloadArgs('/r.txt', { pythonVersion: '3.13.5', glibcVersion: '2.17', machine: 'x86_64' }, '/d');
    expect(args.join(' ')).toContain('--only-binary=:all: --implementation cp --python-version 3.13 --abi cp313 --abi abi3 --abi none');
    expect(args.slice(-4)).toEqual(['-r', '/r.txt', '-d', '/d']);
  });
});
