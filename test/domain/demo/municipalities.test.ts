import { describe, expect, it } from 'vitest';
import {
  municipalities,
  municipalityByCode,
  parseMunicipalitiesCsv,
  PROVINCES,
} from '../../../src/domain/geo/municipalities.js';

describe('municipalities of 1 January 2025', () => {
  it('has exactly 342, with unique GM codes and unique names', () => {
    expect(municipalities).toHaveLength(342);
    expect(municipalities.every((m) => /^GM\d{4}$/.test(m.code))).toBe(true);
    expect(new Set(municipalities.map((m) => m.code)).size).toBe(342);
    expect(new Set(municipalities.map((m) => m.name)).size).toBe(342);
  });

  it.each([
    ['GM0363', 'Amsterdam', 'Noord-Holland'],
    ['GM0599', 'Rotterdam', 'Zuid-Holland'],
    ['GM0518', "'s-Gravenhage", 'Zuid-Holland'],
    ['GM0344', 'Utrecht', 'Utrecht'],
    ['GM0014', 'Groningen', 'Groningen'],
    ['GM0796', "'s-Hertogenbosch", 'Noord-Brabant'],
    ['GM0820', 'Nuenen, Gerwen en Nederwetten', 'Noord-Brabant'],
    ['GM1900', 'Súdwest-Fryslân', 'Fryslân'],
    ['GM0373', 'Bergen (NH.)', 'Noord-Holland'],
    ['GM0893', 'Bergen (L.)', 'Limburg'],
    ['GM1992', 'Voorne aan Zee', 'Zuid-Holland'],
    ['GM1991', 'Maashorst', 'Noord-Brabant'],
    ['GM1982', 'Land van Cuijk', 'Noord-Brabant'],
    ['GM1980', 'Dijk en Waard', 'Noord-Holland'],
    ['GM0034', 'Almere', 'Flevoland'],
  ])('%s is %s (%s)', (code, name, province) => {
    expect(municipalityByCode(code)).toEqual({ code, name, province });
  });

  it('no longer has merged municipalities', () => {
    for (const gone of ['GM0501', 'GM0530', 'GM0614', 'GM0457', 'GM0370']) {
      expect(municipalityByCode(gone)).toBeUndefined();
    }
  });

  it('has the CBS number of municipalities per province', () => {
    const counts = Object.fromEntries(PROVINCES.map((p) => [p, 0]));
    for (const m of municipalities) counts[m.province] = (counts[m.province] ?? 0) + 1;
    expect(counts).toEqual({
      Groningen: 10,
      Fryslân: 18,
      Drenthe: 12,
      Overijssel: 25,
      Flevoland: 6,
      Gelderland: 51,
      Utrecht: 26,
      'Noord-Holland': 44,
      'Zuid-Holland': 50,
      Zeeland: 13,
      'Noord-Brabant': 56,
      Limburg: 31,
    });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(municipalities)).toBe(true);
    expect(Object.isFrozen(municipalities[0])).toBe(true);
  });

  it('rejects a malformed file', () => {
    expect(() => parseMunicipalitiesCsv('code,name\nGM0001,X\n')).toThrow(/header/);
    expect(() => parseMunicipalitiesCsv('code,name,province\nGM01,X,Zeeland\n')).toThrow(/row 2/);
    expect(() => parseMunicipalitiesCsv('code,name,province\nGM0001,X,Atlantis\n')).toThrow(/row 2/);
    expect(parseMunicipalitiesCsv('code,name,province\r\nGM0001,"A, ""B""",Zeeland\r\n')).toEqual([
      { code: 'GM0001', name: 'A, "B"', province: 'Zeeland' },
    ]);
  });
});
