import { describe, expect, it } from 'vitest';
import { parseFreeze } from '../../harness/util/freeze.ts';

describe('parseFreeze', () => {
  it('reads pinned and direct-reference lines under normalised names and skips the rest', () => {
    expect(
      parseFreeze('Django==6.1.3\npydantic_core==2.50.4\n# comment\n-e git+https://x#egg=y\nmylib @ file:///wheels/mylib-1.0-py3-none-any.whl\n\n'),
    ).toEqual({
      django: '6.1.3',
      'pydantic-core': '2.50.4',
      mylib: 'file:///wheels/mylib-1.0-py3-none-any.whl',
    });
  });
});
