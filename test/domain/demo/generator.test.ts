import { describe, expect, it } from 'vitest';
import { municipalityByCode } from '../../../src/domain/geo/municipalities.js';
import { isValidBsn, isValidPostcode } from '../../../src/domain/identifiers/index.js';
import { generatedPersonAt, generatePopulation, MAX_POPULATION } from '../../../src/demo/generator.js';
import type { GeneratedClient, PopulationOptions } from '../../../src/demo/generator.js';
import { organisationForMunicipality } from '../../../src/demo/organisations.js';

const REF = '2025-06-01';
const take = (opts: PopulationOptions): GeneratedClient[] => [...generatePopulation(opts)];

/** Completed years between two YYYY-MM-DD dates. */
function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 86_400_000;

describe('generatePopulation: determinism', () => {
  it('gives the same people for the same seed and different people for another seed', () => {
    const a = take({ seed: 1, size: 1000, referenceDate: REF });
    const b = take({ seed: 1, size: 1000, referenceDate: REF });
    const c = take({ seed: 2, size: 1000, referenceDate: REF });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    // Same indices keep the same BSN; the rest of the person differs.
    const differentNames = a.filter(
      (p, i) => p.givenName !== c[i]?.givenName || p.birthDate !== c[i]?.birthDate,
    );
    expect(differentNames.length).toBeGreaterThan(900);
  });

  it('does not depend on size, and any person can be generated on its own', () => {
    const small = take({ seed: 9, size: 50, referenceDate: REF });
    const large = take({ seed: 9, size: 1000, referenceDate: REF });
    expect(large.slice(0, 50)).toEqual(small);
    for (const i of [0, 7, 8, 499, 999]) {
      expect(generatedPersonAt({ seed: 9, referenceDate: REF }, i)).toEqual(large[i]);
    }
  });

  it('validates its options', () => {
    expect(() => take({ seed: 1, size: -1, referenceDate: REF })).toThrow(RangeError);
    expect(() => take({ seed: 1, size: MAX_POPULATION + 1, referenceDate: REF })).toThrow(RangeError);
    expect(() => take({ seed: 1.5, size: 1, referenceDate: REF })).toThrow(RangeError);
    expect(() => take({ seed: 1, size: 1, referenceDate: '2025-02-30' })).toThrow(/referenceDate/);
    expect(() => take({ seed: 1, size: 1, referenceDate: '1-6-2025' })).toThrow(/referenceDate/);
    expect(take({ seed: 1, size: 0, referenceDate: REF })).toEqual([]);
  });
});

describe('generatePopulation: a 20,000 sample', () => {
  const people = take({ seed: 2025, size: 20_000, referenceDate: REF });
  const youths = people.filter((p) => p.kind === 'youth');
  const clients = people.filter((p) => p.kind === 'client');

  it('yields people in index order', () => {
    expect(people.map((p) => p.index)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
  });

  it('has only valid BSNs; people never share one, custodians only across siblings', () => {
    const personBsns = new Set(people.map((p) => p.bsn));
    expect(personBsns.size).toBe(people.length);
    const custodianByBsn = new Map<string, string>();
    const problems: string[] = [];
    for (const p of people) {
      if (!isValidBsn(p.bsn)) problems.push(`person ${p.index}: invalid ${p.bsn}`);
      if (new Set(p.custodians.map((c) => c.bsn)).size !== p.custodians.length) {
        problems.push(`person ${p.index}: custodians share a BSN`);
      }
      for (const c of p.custodians) {
        if (!isValidBsn(c.bsn)) problems.push(`person ${p.index}: invalid custodian ${c.bsn}`);
        if (personBsns.has(c.bsn)) problems.push(`person ${p.index}: custodian BSN of a youth`);
        // A custodian BSN that recurs is the same person (a parent of siblings) at the same address.
        const key = JSON.stringify([c, p.address]);
        if ((custodianByBsn.get(c.bsn) ?? key) !== key) problems.push(`custodian ${c.bsn} differs`);
        custodianByBsn.set(c.bsn, key);
      }
    }
    expect(problems).toEqual([]);
    expect(custodianByBsn.size).toBeGreaterThan(10_000);
  });

  it('gives valid addresses in a real municipality with the right organisation', () => {
    const bad = people.filter((p) => {
      const a = p.address;
      return !(
        isValidPostcode(a.postcode) &&
        /^[1-9][0-9]{3}[A-Z]{2}$/.test(a.postcode) &&
        municipalityByCode(a.municipalityCode) !== undefined &&
        p.organisationUra === organisationForMunicipality(a.municipalityCode)?.ura &&
        a.street.length > 0 &&
        a.city.length > 0 &&
        Number.isInteger(a.houseNumber) &&
        a.houseNumber >= 1 &&
        a.houseNumber <= 99_999 &&
        (a.houseLetter === null || /^[A-Z]$/.test(a.houseLetter)) &&
        (a.houseNumberAddition === null || a.houseNumberAddition.length <= 4)
      );
    });
    expect(bad).toEqual([]);
  });

  it('weights municipalities by population', () => {
    const amsterdam = people.filter((p) => p.address.municipalityCode === 'GM0363').length;
    const vlieland = people.filter((p) => p.address.municipalityCode === 'GM0096').length;
    expect(amsterdam).toBeGreaterThan(500);
    expect(vlieland).toBeLessThan(20);
  });

  it('has youths aged 0–17, spread evenly over the ages', () => {
    const perAge = new Array<number>(18).fill(0);
    const bad: GeneratedClient[] = [];
    for (const y of youths) {
      const age = ageOn(y.birthDate, REF);
      if (
        age < 0 ||
        age > 17 ||
        y.birthDate > REF ||
        y.pregnancy !== null ||
        !['1', '2', '3'].includes(y.gender)
      ) {
        bad.push(y);
      }
      perAge[age] = (perAge[age] ?? 0) + 1;
    }
    expect(bad).toEqual([]);
    const mean = youths.length / 18;
    for (const n of perAge) expect(Math.abs(n - mean) / mean).toBeLessThan(0.15);
  });

  it('has about 2% pregnant clients aged 18–42 with a due date ahead', () => {
    expect(clients.length / people.length).toBeGreaterThan(0.01);
    expect(clients.length / people.length).toBeLessThan(0.03);
    for (const c of clients) {
      const age = ageOn(c.birthDate, REF);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThanOrEqual(42);
      expect(c.gender).toBe('2');
      expect(c.custodians).toEqual([]);
      const ahead = daysBetween(REF, c.pregnancy?.dueDate ?? REF);
      expect(ahead).toBeGreaterThan(0);
      expect(ahead).toBeLessThanOrEqual(280);
    }
  });

  it('gives youths mostly two custodial parents, rarely none', () => {
    const count = (f: (p: GeneratedClient) => boolean): number => youths.filter(f).length / youths.length;
    const twoWithCustody = count((y) => y.custodians.length === 2 && y.custodians.every((c) => c.hasCustody));
    const one = count((y) => y.custodians.length === 1);
    const parentWithoutCustody = count((y) => y.custodians.some((c) => !c.hasCustody));
    const guardian = count((y) => y.custodians.some((c) => c.relation === 'guardian'));
    const none = count((y) => y.custodians.length === 0);
    expect(twoWithCustody).toBeGreaterThan(0.7);
    expect(one).toBeGreaterThan(0.05);
    expect(parentWithoutCustody).toBeGreaterThan(0.01);
    expect(parentWithoutCustody).toBeLessThan(0.15);
    expect(guardian).toBeGreaterThan(0.002);
    expect(guardian).toBeLessThan(0.05);
    expect(none).toBeLessThan(0.02);
    // 16- and 17-year-olds have custodians too.
    expect(
      youths.filter((y) => ageOn(y.birthDate, REF) >= 16 && y.custodians.length > 0).length,
    ).toBeGreaterThan(0);
  });

  it('gives custodians plausible data', () => {
    const bad = youths.filter(
      (y) =>
        (y.custodians.length > 0 && !y.custodians.some((c) => c.hasCustody)) ||
        y.custodians.some(
          (c) =>
            c.givenName.length === 0 ||
            c.familyName.length === 0 ||
            !['1', '2', '3'].includes(c.gender) ||
            ageOn(c.birthDate, REF) < 18 ||
            (c.relation === 'parent' && ageOn(c.birthDate, y.birthDate) < 18) ||
            (c.relation === 'guardian' && !c.hasCustody),
        ),
    );
    expect(bad).toEqual([]);
  });

  it('uses varied names, prefixes included', () => {
    expect(new Set(people.map((p) => p.givenName)).size).toBeGreaterThan(150);
    expect(new Set(people.map((p) => p.familyName)).size).toBeGreaterThan(150);
    const prefixes = new Set(people.map((p) => p.prefix));
    for (const prefix of [null, 'de', 'van', 'van der', 'van den']) expect(prefixes).toContain(prefix);
    expect(people.some((p) => p.givenName === 'Mohamed' || p.givenName === 'Yusuf')).toBe(true);
  });

  it('keeps siblings together: same household, same custodians and address', () => {
    const byCustodian = new Map<string, GeneratedClient[]>();
    for (const y of youths) {
      const first = y.custodians[0];
      if (first !== undefined) byCustodian.set(first.bsn, [...(byCustodian.get(first.bsn) ?? []), y]);
    }
    const families = [...byCustodian.values()];
    expect(families.some((f) => f.length >= 2)).toBe(true);
    for (const family of families) {
      expect(new Set(family.map((y) => JSON.stringify(y.address))).size).toBe(1);
      expect(new Set(family.map((y) => `${y.prefix} ${y.familyName}`)).size).toBe(1);
    }
  });
});

describe('generatePopulation: streaming', () => {
  it('streams 100,000 people without keeping them', () => {
    let count = 0;
    let youths = 0;
    let clients = 0;
    let lastIndex = -1;
    for (const p of generatePopulation({ seed: 77, size: 100_000, referenceDate: REF })) {
      count++;
      if (p.kind === 'youth') youths++;
      else clients++;
      if (p.index !== lastIndex + 1) throw new Error(`index ${p.index} after ${lastIndex}`);
      lastIndex = p.index;
    }
    expect(count).toBe(100_000);
    expect(youths + clients).toBe(100_000);
    expect(clients).toBeGreaterThan(1_000);
    expect(clients).toBeLessThan(3_000);
  });
});
