import { describe, expect, it } from 'vitest';
import { formatPersonName } from '../../src/domain/names.js';

describe('formatPersonName', () => {
  it.each([
    ['Jan', 'van der', 'Berg', 'Jan van der Berg'],
    ['Noor', null, 'Yilmaz', 'Noor Yilmaz'],
    ['Sem', '', 'Bakker', 'Sem Bakker'],
    ['Emma', undefined, 'de Vries', 'Emma de Vries'],
  ])('%s + %s + %s → %s', (given, prefix, family, expected) => {
    expect(formatPersonName(given, prefix, family)).toBe(expected);
  });
});
