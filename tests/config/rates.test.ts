import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../harness/config/options.ts';
import { parseRates, rateIdPart, rateRps, rateShare, resolveOpenLoop } from '../../harness/config/rates.ts';
import { BenchError } from '../../harness/errors.ts';

const known = { frameworks: ['flask', 'fastapi'], scenarios: ['json', 'slow-db'] };
const now = new Date('2026-11-21T00:00:00Z');

describe('parseRates', () => {
  it('reads absolute rates and shares, canonical and without duplicates', () => {
    expect(parseRates('300, 50%,80.0%,300')).toEqual(['300', '50%', '80%']);
    expect(rateShare('50%')).toBe(0.5);
    expect(rateRps('300')).toBe(300);
    expect(rateRps('50%')).toBeUndefined();
    expect(rateIdPart('300')).toBe('open300');
    expect(rateIdPart('50%')).toBe('at50%');
  });

  it.each([
    ['', '--rates is empty'],
    ['fast', "--rates: 'fast' is not a rate above 0"],
    ['0', "--rates: '0' is not a rate above 0"],
    ['-5%', "--rates: '-5%' is not a rate above 0"],
    ['150%', '--rates: 150% is more than the slowest framework can sustain'],
  ])('%j is a usage error naming --rates and the fix', (text, message) => {
    let error: unknown;
    try {
      parseRates(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('USAGE');
    expect((error as BenchError).message).toBe(message);
    expect((error as BenchError).hint).toMatch(/--rates|absolute|share/);
  });
});

describe('resolveOpenLoop', () => {
  it('either flag alone picks the documented default of the other', () => {
    expect(resolveOpenLoop(undefined, undefined, undefined)).toBeUndefined();
    expect(resolveOpenLoop('constant', undefined, undefined)).toEqual({ arrival: 'constant', rates: ['50%'] });
    expect(resolveOpenLoop(undefined, '300', undefined)).toEqual({ arrival: 'poisson', rates: ['300'] });
    expect(resolveOpenLoop('constant', undefined, { arrival: 'poisson', rates: ['80%'] })).toEqual({ arrival: 'constant', rates: ['80%'] });
  });
});

describe('resolveRunConfig with open-loop flags', () => {
  it('the standard profile sweeps at 50% in Poisson arrivals; quick has no open-loop cells', () => {
    expect(resolveRunConfig({ profile: 'standard' }, known, now).openLoop).toEqual({ arrival: 'poisson', rates: ['50%'] });
    expect(resolveRunConfig({ profile: 'quick' }, known, now).openLoop).toBeUndefined();
    expect(resolveRunConfig({ profile: 'quick', rates: '50%', arrival: 'constant' }, known, now).openLoop).toEqual({ arrival: 'constant', rates: ['50%'] });
  });

  it('a bad --rates is a usage error', () => {
    expect(() => resolveRunConfig({ rates: '50 percent' }, known, now)).toThrow(/--rates: '50 percent' is not a rate/);
  });
});
