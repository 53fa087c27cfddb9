import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPostcode, isValidPostcode, normalisePostcode } from '../../../src/domain/identifiers/index.js';

describe('isValidPostcode', () => {
  it.each(['1234AB', '1234 AB', '1000AA', '9999ZZ', '1011SB', '2511SZ'])('accepts %s', (pc) => {
    expect(isValidPostcode(pc)).toBe(true);
  });

  it.each([
    ['0123AB', 'leading zero'],
    ['1234ab', 'lower case'],
    ['1234SA', 'SA is not issued'],
    ['1234 SD', 'SD is not issued'],
    ['1234SS', 'SS is not issued'],
    ['1234  AB', 'two spaces'],
    ['12345AB', 'five digits'],
    ['123AB', 'three digits'],
    ['1234A', 'one letter'],
    ['1234ABC', 'three letters'],
    [' 1234AB', 'leading space'],
    ['', 'empty'],
  ])('rejects %s (%s)', (pc) => {
    expect(isValidPostcode(pc)).toBe(false);
  });
});

describe('normalisePostcode', () => {
  it.each([
    ['1234AB', '1234AB'],
    ['1234 ab', '1234AB'],
    ['  1234\tAb ', '1234AB'],
    ['1 2 3 4 A B', '1234AB'],
  ])('%j → %s', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(['1234sa', '0123AB', 'postcode', ''])('returns null for %j', (input) => {
    expect(normalisePostcode(input)).toBeNull();
  });

  it('formats for display', () => {
    expect(formatPostcode('1234ab')).toBe('1234 AB');
    expect(formatPostcode('1234SS')).toBeNull();
  });

  it('is idempotent and always yields a valid compact postcode', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), (s) => {
        const n = normalisePostcode(s);
        if (n !== null) {
          expect(n).toMatch(/^[1-9][0-9]{3}[A-Z]{2}$/);
          expect(isValidPostcode(n)).toBe(true);
          expect(normalisePostcode(n)).toBe(n);
        }
      }),
    );
  });

  it('accepts every generated valid postcode in both spellings', () => {
    const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), letter, letter, fc.boolean(), (n, a, b, space) => {
        const pair = a + b;
        const pc = `${n}${space ? ' ' : ''}${pair}`;
        const expected = !['SA', 'SD', 'SS'].includes(pair);
        expect(isValidPostcode(pc)).toBe(expected);
        expect(normalisePostcode(pc.toLowerCase())).toBe(expected ? `${n}${pair}` : null);
      }),
    );
  });
});
