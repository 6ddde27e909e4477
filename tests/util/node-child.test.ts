import { describe, expect, it } from 'vitest';
import { CURRENT_MODE, compiledScript, type NodeChildMode, nodeChildArgv } from '../../harness/util/node-child.ts';

const child = { script: '/repo/dist/load/autocannon-child.ts', args: ['{"url":"http://127.0.0.1:1/"}'], cpus: [0, 2], pin: false };
const compiled: NodeChildMode = {
  compiled: true,
  nodePath: '/usr/bin/node',
  tsxLoader: () => {
    throw new Error('a compiled harness must not look for tsx');
  },
};
const typescript: NodeChildMode = { compiled: false, nodePath: '/usr/bin/node', tsxLoader: () => 'file:///repo/node_modules/tsx/dist/loader.mjs' };

/** Any sign of a TypeScript loader in a child's argv. */
const LOADER = /--import|--loader|--experimental-loader|tsx|\.ts$/;

describe('nodeChildArgv', () => {
  it('starts a compiled child as plain node on its .js sibling, with no loader', () => {
    const { file, args } = nodeChildArgv(child, compiled);
    expect(file).toBe('/usr/bin/node');
    expect(args).toEqual(['/repo/dist/load/autocannon-child.js', child.args[0]]);
    expect(args.filter((arg) => LOADER.test(arg))).toEqual([]);
  });

  it('keeps the compiled argv loader-free behind taskset', () => {
    const { file, args } = nodeChildArgv({ ...child, pin: true }, compiled);
    expect(file).toBe('taskset');
    expect(args).toEqual(['-c', '0,2', '/usr/bin/node', '/repo/dist/load/autocannon-child.js', child.args[0]]);
    expect(args.filter((arg) => LOADER.test(arg))).toEqual([]);
  });

  it('puts nice in front of taskset when asked, so node itself carries the nice value', () => {
    const { file, args } = nodeChildArgv({ ...child, pin: true, niceness: -20 }, compiled);
    expect(file).toBe('nice');
    expect(args).toEqual(['-n', '-20', 'taskset', '-c', '0,2', '/usr/bin/node', '/repo/dist/load/autocannon-child.js', child.args[0]]);
  });

  it('runs TypeScript sources through tsx when the harness itself is TypeScript (tests)', () => {
    const { args } = nodeChildArgv(child, typescript);
    expect(args.slice(0, 3)).toEqual(['--import', 'file:///repo/node_modules/tsx/dist/loader.mjs', child.script]);
  });

  it('knows that vitest runs the harness as TypeScript', () => {
    expect(CURRENT_MODE.compiled).toBe(false);
  });
});

describe('compiledScript', () => {
  it('swaps only a trailing .ts', () => {
    expect(compiledScript('/a/b.ts/c-child.ts')).toBe('/a/b.ts/c-child.js');
    expect(compiledScript('/a/c-child.js')).toBe('/a/c-child.js');
  });
});
