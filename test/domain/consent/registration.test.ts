import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCompetenceJudgement,
  checkConsentRegistration,
  type SourcePerson,
} from '../../../src/domain/consent/index.js';

const TODAY = '2026-11-23';
const self: SourcePerson = { kind: 'self' };
const custodian: SourcePerson = { kind: 'related', relation: 'parent', hasCustody: true };
const parentWithoutCustody: SourcePerson = { kind: 'related', relation: 'parent', hasCustody: false };
const guardian: SourcePerson = { kind: 'related', relation: 'guardian', hasCustody: true };
const representative: SourcePerson = { kind: 'related', relation: 'legal-representative', hasCustody: false };
const youth = (birthDate: string, competent?: boolean) => ({
  kind: 'youth' as const,
  birthDate,
  competence: competent === undefined ? [] : [{ date: '2026-01-01', competent }],
});

const rules = (...args: Parameters<typeof checkConsentRegistration>) =>
  checkConsentRegistration(...args).map((v) => v.rule);

describe('checkConsentRegistration', () => {
  it.each([
    ['a custodian of a 5-year-old (03)', '03', custodian, youth('2021-06-01'), []],
    ['a guardian (04)', '04', guardian, youth('2021-06-01'), []],
    [
      'a parent without custody',
      '03',
      parentWithoutCustody,
      youth('2021-06-01'),
      ['source-03-04-only-from-custodian'],
    ],
    [
      'a legal representative with 03',
      '03',
      representative,
      youth('2021-06-01'),
      ['source-03-04-only-from-custodian'],
    ],
    [
      'a custodian once the youth is 16',
      '03',
      custodian,
      youth('2009-01-01'),
      ['custodian-consent-until-16'],
    ],
    ['the youth on the 12th birthday', '01', self, youth('2014-02-01'), []],
    ['the youth the day before the 12th birthday', '01', self, youth('2014-02-02'), ['source-01-from-12']],
    ['01 from a custodian', '01', custodian, youth('2010-01-01'), ['source-01-only-from-client']],
    [
      '05 for a competent youth of 14',
      '05',
      representative,
      youth('2012-01-01'),
      ['source-05-only-when-not-competent'],
    ],
    ['05 for a youth of 14 judged not competent', '05', representative, youth('2012-01-01', false), []],
    [
      '05 from a custodian',
      '05',
      custodian,
      youth('2012-01-01', false),
      ['source-05-only-from-legal-representative'],
    ],
    [
      '05 for a child of 8',
      '05',
      representative,
      youth('2018-01-01', false),
      ['source-05-only-when-not-competent'],
    ],
  ] as const)('%s', (_name, source, person, subject, expected) => {
    expect(rules({ agreed: true, source, date: '2026-02-01' }, person, subject, TODAY)).toEqual(expected);
  });

  it('lets a pregnant client of 18+ give her own consent and no custodian hers', () => {
    const client = { kind: 'client' as const, birthDate: '1995-05-05', competence: [] };
    expect(rules({ agreed: true, source: '01', date: '2026-02-01' }, self, client, TODAY)).toEqual([]);
    expect(rules({ agreed: true, source: '03', date: '2026-02-01' }, custodian, client, TODAY)).toEqual([
      'custodian-consent-until-16',
    ]);
  });

  it('refuses dates in the future and before birth', () => {
    expect(
      rules({ agreed: false, source: '03', date: '2026-11-24' }, custodian, youth('2021-06-01'), TODAY),
    ).toEqual(['no-future-date']);
    expect(
      rules({ agreed: true, source: '03', date: '2021-05-31' }, custodian, youth('2021-06-01'), TODAY),
    ).toContain('not-before-birth');
  });

  it('never refuses a "no" more readily than a "yes" (withdrawing is as easy as giving)', () => {
    const people = fc.constantFrom(self, custodian, parentWithoutCustody, guardian, representative);
    fc.assert(
      fc.property(
        people,
        fc.constantFrom('01', '03', '04', '05' as const),
        fc.integer({ min: 2009, max: 2025 }),
        fc.boolean(),
        (person, source, year, competent) => {
          const subject = youth(`${year}-03-15`, competent);
          const yes = rules({ agreed: true, source, date: '2026-06-01' }, person, subject, TODAY);
          const no = rules({ agreed: false, source, date: '2026-06-01' }, person, subject, TODAY);
          expect(no).toEqual(yes);
        },
      ),
    );
  });
});

describe('checkCompetenceJudgement', () => {
  it('only judges a youth of 12 or older, never in the future', () => {
    expect(checkCompetenceJudgement({ date: '2026-01-01' }, youth('2012-01-01'), TODAY)).toEqual([]);
    expect(
      checkCompetenceJudgement({ date: '2026-01-01' }, youth('2016-01-01'), TODAY).map((v) => v.rule),
    ).toEqual(['competence-from-12']);
    expect(
      checkCompetenceJudgement({ date: '2027-01-01' }, youth('2012-01-01'), TODAY).map((v) => v.rule),
    ).toEqual(['no-future-date']);
  });
});
