import { describe, expect, it } from 'vitest';
import { isValidUra, makeUra } from '../../../src/domain/identifiers/index.js';

describe('URA', () => {
  it.each(['00000001', '90000101', '12345678'])('accepts %s', (ura) => {
    expect(isValidUra(ura)).toBe(true);
  });

  it.each(['1234567', '123456789', '1234567a', '', ' 12345678'])('rejects %j', (ura) => {
    expect(isValidUra(ura)).toBe(false);
  });

  it('makes deterministic, distinct, valid demo URAs', () => {
    expect(makeUra(101)).toBe('90000101');
    const uras = Array.from({ length: 1000 }, (_, i) => makeUra(i));
    expect(new Set(uras).size).toBe(1000);
    expect(uras.every(isValidUra)).toBe(true);
    expect(() => makeUra(-1)).toThrow(RangeError);
    expect(() => makeUra(1_000_000)).toThrow(RangeError);
  });
});
