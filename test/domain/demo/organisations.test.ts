import { describe, expect, it } from 'vitest';
import { municipalities, municipalityByCode } from '../../../src/domain/geo/municipalities.js';
import { isValidUra } from '../../../src/domain/identifiers/index.js';
import {
  organisationByUra,
  organisationForMunicipality,
  organisations,
} from '../../../src/demo/organisations.js';

describe('demo organisations', () => {
  it('are about 25 youth-health organisations with unique valid URAs and names', () => {
    expect(organisations.length).toBeGreaterThanOrEqual(20);
    expect(organisations.length).toBeLessThanOrEqual(45);
    expect(organisations.every((o) => isValidUra(o.ura))).toBe(true);
    expect(new Set(organisations.map((o) => o.ura)).size).toBe(organisations.length);
    expect(new Set(organisations.map((o) => o.name)).size).toBe(organisations.length);
  });

  it('partition the 342 municipalities: each belongs to exactly one organisation', () => {
    const all = organisations.flatMap((o) => o.municipalityCodes);
    expect(all).toHaveLength(342);
    expect(new Set(all).size).toBe(342);
    expect(new Set(all)).toEqual(new Set(municipalities.map((m) => m.code)));
    expect(organisations.every((o) => o.municipalityCodes.length > 0)).toBe(true);
  });

  it('finds the organisation for a municipality and by URA', () => {
    for (const m of municipalities) {
      const org = organisationForMunicipality(m.code);
      expect(org?.municipalityCodes).toContain(m.code);
      expect(organisationByUra(org?.ura ?? '')).toBe(org);
    }
    expect(organisationForMunicipality('GM0363')?.name).toBe('GGD Amsterdam');
    expect(organisationForMunicipality('GM0599')?.name).toBe('CJG Rijnmond');
    expect(organisationForMunicipality('GM9999')).toBeUndefined();
  });

  it('keep every region inside one province', () => {
    for (const org of organisations) {
      const provinces = new Set(org.municipalityCodes.map((c) => municipalityByCode(c)?.province));
      expect(provinces.size, org.name).toBe(1);
    }
  });
});
