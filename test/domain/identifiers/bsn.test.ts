import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BSN_CAPACITY, bsnFromSeed, isValidBsn, makeBsn } from '../../../src/domain/identifiers/index.js';

/** Straight from the definition, to check the optimised implementation against. */
function elevenCheck(s: string): boolean {
  if (!/^[0-9]{9}$/.test(s) || s === '000000000') return false;
  const d = [...s].map(Number);
  const sum = d.slice(0, 8).reduce((acc, x, i) => acc + (9 - i) * x, 0) - (d[8] as number);
  return sum % 11 === 0;
}

describe('isValidBsn', () => {
  it.each([['111222333'], ['123456782'], ['999999990'], ['010000008']])('accepts %s', (bsn) => {
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each([
    ['123456789', 'fails the 11-check'],
    ['000000000', 'all zeros'],
    ['12345678', 'eight digits'],
    ['1234567820', 'ten digits'],
    ['', 'empty'],
    ['12345678a', 'letter'],
    [' 23456782', 'space'],
    ['12345678２', 'full-width digit'],
    ['-23456782', 'sign'],
  ])('rejects %s (%s)', (bsn) => {
    expect(isValidBsn(bsn)).toBe(false);
  });

  it('agrees with the definition on any 9-character digit string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), (s) => {
        expect(isValidBsn(s)).toBe(elevenCheck(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every single-digit change of a valid BSN', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: BSN_CAPACITY - 1 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 9 }),
        (n, position, delta) => {
          const bsn = makeBsn(n);
          const digit = (Number(bsn[position]) + delta) % 10;
          const changed = bsn.slice(0, position) + String(digit) + bsn.slice(position + 1);
          expect(isValidBsn(changed)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('makeBsn', () => {
  it('only makes valid BSNs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BSN_CAPACITY - 1 }), (n) => {
        const bsn = makeBsn(n);
        expect(bsn).toMatch(/^[1-9][0-9]{8}$/);
        expect(isValidBsn(bsn)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('is injective on any set of indices', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: BSN_CAPACITY - 1 }), { maxLength: 200 }), (ns) => {
        expect(new Set(ns.map(makeBsn)).size).toBe(ns.length);
      }),
    );
  });

  it('is injective on a contiguous range and across the slot boundary', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 100_000; n++) seen.add(makeBsn(n));
    for (let n = 9_000_000 - 1_000; n < 9_000_000 + 1_000; n++) seen.add(makeBsn(n));
    for (let n = BSN_CAPACITY - 1_000; n < BSN_CAPACITY; n++) seen.add(makeBsn(n));
    expect(seen.size).toBe(100_000 + 2_000 + 1_000);
  });

  it('is deterministic and has an alias', () => {
    expect(makeBsn(12345)).toBe(makeBsn(12345));
    expect(bsnFromSeed(12345)).toBe(makeBsn(12345));
  });

  it.each([-1, 0.5, BSN_CAPACITY, Number.NaN])('rejects index %s', (n) => {
    expect(() => makeBsn(n)).toThrow(RangeError);
  });
});
