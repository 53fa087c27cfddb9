/**
 * The front ends' pure helpers (formatting, routing, problem handling, table sorting), run in Node
 * with the unit tests (test/web); no browser is started.
 */
import { describe, expect, it } from 'vitest';
import { apiUrl, toProblem, userIdOf } from '../../src/web/shared/api.js';
import {
  ageInYears,
  formatAge,
  formatBsn,
  formatDate,
  formatGender,
  formatName,
  formatNumber,
  formatPostcode,
  formatRelation,
  formatStreetLine,
} from '../../src/web/shared/format.js';
import { href, matchPath, parseHash } from '../../src/web/shared/router.js';
import { normaliseSearch } from '../../src/web/dossier/api.js';
import { filterMunicipalities, sortMunicipalities } from '../../src/web/registry/table.js';

describe('Dutch formatting', () => {
  it('shows dates as dd-mm-jjjj', () => {
    expect(formatDate('2021-03-15')).toBe('15-03-2021');
    expect(formatDate('2021-03-15T10:00:00Z')).toBe('15-03-2021');
    expect(formatDate('')).toBe('');
    expect(formatDate(null)).toBe('');
    expect(formatDate('gisteren')).toBe('gisteren');
  });

  it('gives the age the way JGZ says it', () => {
    const now = new Date(2025, 5, 15); // 15 June 2025, local time
    expect(formatAge('2025-06-01', now)).toBe('2 weken');
    expect(formatAge('2025-06-08', now)).toBe('1 week');
    expect(formatAge('2025-01-15', now)).toBe('5 maanden');
    expect(formatAge('2024-03-15', now)).toBe('1 jaar en 3 maanden');
    expect(formatAge('2024-05-15', now)).toBe('1 jaar en 1 maand');
    expect(formatAge('2024-06-15', now)).toBe('1 jaar');
    expect(formatAge('2011-06-16', now)).toBe('13 jaar'); // birthday tomorrow
    expect(formatAge('2011-06-15', now)).toBe('14 jaar'); // birthday today
    expect(ageInYears('2008-02-29', new Date(2025, 1, 28))).toBe(16);
    expect(ageInYears('2008-02-29', new Date(2025, 2, 1))).toBe(17);
    expect(formatAge('2026-01-01', now)).toBe('');
  });

  it('formats names, BSN, numbers, addresses and code values', () => {
    expect(formatName({ givenName: 'Jan', prefix: 'van der', familyName: 'Berg' })).toBe('Jan van der Berg');
    expect(formatName({ givenName: 'Fatma', prefix: null, familyName: 'Yilmaz' })).toBe('Fatma Yilmaz');
    expect(formatBsn('123456782')).toBe('1234.56.782');
    expect(formatBsn('12345')).toBe('12345');
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatPostcode('3512ab')).toBe('3512 AB');
    expect(
      formatStreetLine({
        street: 'Dorpsstraat',
        houseNumber: 12,
        houseLetter: 'a',
        houseNumberAddition: '2',
      }),
    ).toBe('Dorpsstraat 12a-2');
    expect(formatStreetLine({ street: 'Dorpsstraat', houseNumber: 12, houseLetter: null })).toBe(
      'Dorpsstraat 12',
    );
    expect(formatGender('2')).toBe('vrouw');
    expect(formatGender('1')).toBe('man');
    expect(formatRelation('guardian')).toBe('voogd');
    expect(formatRelation('legal-representative')).toBe('wettelijk vertegenwoordiger');
  });
});

describe('hash router', () => {
  it('matches patterns with parameters', () => {
    expect(matchPath('/clients/:id', '/clients/42')).toEqual({ id: '42' });
    expect(matchPath('/clients/:id/consent', '/clients/42/consent')).toEqual({ id: '42' });
    expect(matchPath('/clients/:id', '/clients/42/consent')).toBeNull();
    expect(matchPath('/clients', '/population')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/clients/:id', '/clients/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/clients/:id', '/clients/%E0%A4%A')).toBeNull();
  });

  it('parses and builds hashes with a query', () => {
    const location = parseHash('#/clients?search=van%20Dijk&page=2');
    expect(location.path).toBe('/clients');
    expect(location.query.get('search')).toBe('van Dijk');
    expect(location.query.get('page')).toBe('2');
    expect(parseHash('').path).toBe('/');
    expect(href('/clients', { search: 'van Dijk', page: undefined, empty: '' })).toBe(
      '#/clients?search=van+Dijk',
    );
    expect(href('/clients')).toBe('#/clients');
  });
});

describe('API client helpers', () => {
  it('keeps a problem+json document and fills in what is missing', () => {
    const problem = toProblem(400, {
      type: 'https://open-rvp/problems/validation',
      title: 'Ongeldige invoer',
      status: 400,
      detail: 'querystring.limit: te groot',
      errors: [{ field: 'querystring.limit', rule: 'too_big', message: 'te groot' }, { junk: true }],
    });
    expect(problem.title).toBe('Ongeldige invoer');
    expect(problem.errors).toEqual([{ field: 'querystring.limit', rule: 'too_big', message: 'te groot' }]);
    expect(toProblem(503, undefined, 'Service Unavailable')).toEqual({
      type: 'about:blank',
      title: 'Dienst niet beschikbaar',
      status: 503,
    });
    expect(toProblem(418, 'teapot', "I'm a teapot").title).toBe("I'm a teapot");
  });

  it('builds relative URLs and leaves out empty parameters', () => {
    expect(apiUrl('api/clients', { search: '', limit: 50, offset: 0 })).toBe('api/clients?limit=50&offset=0');
    expect(apiUrl('api/session')).toBe('api/session');
  });

  it('accepts userId and id for a user', () => {
    const organisation = { ura: null, name: 'RIVM-DVP' };
    expect(userIdOf({ userId: 'a', name: 'A', role: 'r', organisation })).toBe('a');
    expect(userIdOf({ id: 'b', name: 'B', role: 'r', organisation })).toBe('b');
  });

  it('sends a BSN typed with dots as digits', () => {
    expect(normaliseSearch(' 1234.56.782 ')).toBe('123456782');
    expect(normaliseSearch('1234 56 782')).toBe('123456782');
    expect(normaliseSearch('van Dijk')).toBe('van Dijk');
  });
});

describe('municipality table', () => {
  const items = [
    { code: 'GM0344', name: 'Utrecht', persons: 30, youth: 5 },
    { code: 'GM0363', name: 'Amsterdam', persons: 30, youth: 9 },
    { code: 'GM0014', name: 'Groningen', persons: 10, youth: 2 },
    { code: 'GM0518', name: "'s-Gravenhage", persons: 20, youth: 4 },
  ];

  it('sorts by count with the name as tie-breaker, and by name the Dutch way', () => {
    expect(sortMunicipalities(items, 'persons', 'descending').map((m) => m.name)).toEqual([
      'Amsterdam',
      'Utrecht',
      "'s-Gravenhage",
      'Groningen',
    ]);
    expect(sortMunicipalities(items, 'youth', 'ascending').map((m) => m.youth)).toEqual([2, 4, 5, 9]);
    // 's-Gravenhage sorts under G (Gravenhage < Groningen).
    expect(sortMunicipalities(items, 'name', 'ascending').map((m) => m.name)).toEqual([
      'Amsterdam',
      "'s-Gravenhage",
      'Groningen',
      'Utrecht',
    ]);
    expect(items[0]?.name).toBe('Utrecht'); // the input is not changed
  });

  it('filters on name or CBS code', () => {
    expect(filterMunicipalities(items, 'utr').map((m) => m.code)).toEqual(['GM0344']);
    expect(filterMunicipalities(items, '0363').map((m) => m.name)).toEqual(['Amsterdam']);
    expect(filterMunicipalities(items, '  ')).toHaveLength(4);
  });
});
