import { describe, expect, it } from 'vitest';
import { checkDatabasePort } from '../../harness/db/docker.ts';

describe('database port', () => {
  it('refuses database ports in the ephemeral range and 5432', () => {
    expect(() => checkDatabasePort(5432)).toThrow(/not 5432/);
    expect(() => checkDatabasePort(40000)).toThrow(/between 1025 and 32767/);
    expect(() => checkDatabasePort(25432)).not.toThrow();
  });
});
