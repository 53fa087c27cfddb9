/**
 * R-R6: who may ask for a vaccination certificate. Under 12 a custodian; 12–15 the youth, or a
 * custodian with the youth's consent; 16+ the youth only. Each decision names its rule and a Dutch reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nthBirthday } from '../../src/domain/dates/index.js';
import { decideCertificateRequest, type CertificateRequest } from '../../src/registry/citizen-requests.js';

const PERSON = '557071501';
const CUSTODIAN = '522093802';
const OTHER = '164920407';
const BORN = '2012-06-15';
const ON_AGE = (age: number, dayOffset = 0): string => {
  const birthday = nthBirthday(BORN, age);
  const d = new Date(`${birthday}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + dayOffset);
  return d.toISOString().slice(0, 10);
};

const request = (overrides: Partial<CertificateRequest>): CertificateRequest => ({
  birthDate: BORN,
  personBsn: PERSON,
  custodianBsns: [CUSTODIAN],
  requester: 'custodian',
  requesterBsn: CUSTODIAN,
  youthConsent: false,
  on: ON_AGE(8),
  ...overrides,
});

type Row = [
  label: string,
  overrides: Partial<CertificateRequest>,
  expected: { allowed: boolean; rule: string; field?: string },
];

const TABLE: Row[] = [
  // under 12
  ['newborn, custodian', { on: BORN }, { allowed: true, rule: 'custodian-under-12' }],
  ['8, custodian', {}, { allowed: true, rule: 'custodian-under-12' }],
  [
    '11 (day before 12th birthday), custodian',
    { on: ON_AGE(12, -1) },
    { allowed: true, rule: 'custodian-under-12' },
  ],
  [
    '11, the child itself',
    { on: ON_AGE(12, -1), requester: 'self', requesterBsn: PERSON },
    { allowed: false, rule: 'under-12-custodian-only', field: 'body.requester' },
  ],
  [
    '8, someone who is not a custodian',
    { requesterBsn: OTHER },
    { allowed: false, rule: 'not-a-custodian', field: 'body.requesterBsn' },
  ],
  [
    '8, custodian consent flag is irrelevant',
    { youthConsent: true },
    { allowed: true, rule: 'custodian-under-12' },
  ],
  // 12–15
  [
    '12 (birthday), the youth',
    { on: ON_AGE(12), requester: 'self', requesterBsn: PERSON },
    { allowed: true, rule: 'self-12-15' },
  ],
  [
    '15, the youth',
    { on: ON_AGE(15, 200), requester: 'self', requesterBsn: PERSON },
    { allowed: true, rule: 'self-12-15' },
  ],
  [
    '12, custodian without the youth’s consent',
    { on: ON_AGE(12) },
    { allowed: false, rule: 'youth-consent-required', field: 'body.youthConsent' },
  ],
  [
    '14, custodian with the youth’s consent',
    { on: ON_AGE(14), youthConsent: true },
    { allowed: true, rule: 'custodian-12-15-with-consent' },
  ],
  [
    '14, non-custodian with consent',
    { on: ON_AGE(14), youthConsent: true, requesterBsn: OTHER },
    { allowed: false, rule: 'not-a-custodian', field: 'body.requesterBsn' },
  ],
  [
    '14, the youth with someone else’s BSN',
    { on: ON_AGE(14), requester: 'self', requesterBsn: OTHER },
    { allowed: false, rule: 'requester-not-person', field: 'body.requesterBsn' },
  ],
  [
    '15 (day before 16th birthday), custodian with consent',
    { on: ON_AGE(16, -1), youthConsent: true },
    { allowed: true, rule: 'custodian-12-15-with-consent' },
  ],
  // 16+
  [
    '16 (birthday), the youth',
    { on: ON_AGE(16), requester: 'self', requesterBsn: PERSON },
    { allowed: true, rule: 'self-16-plus' },
  ],
  [
    '25, the person',
    { on: ON_AGE(25), requester: 'self', requesterBsn: PERSON },
    { allowed: true, rule: 'self-16-plus' },
  ],
  [
    '16, custodian even with consent',
    { on: ON_AGE(16), youthConsent: true },
    { allowed: false, rule: '16-plus-self-only', field: 'body.requester' },
  ],
  [
    '17, the youth with a custodian’s BSN',
    { on: ON_AGE(17), requester: 'self', requesterBsn: CUSTODIAN },
    { allowed: false, rule: 'requester-not-person', field: 'body.requesterBsn' },
  ],
  // no age
  ['a request before birth', { on: '2012-01-01' }, { allowed: false, rule: 'age-unknown' }],
];

describe('decideCertificateRequest (R-R6 age rules)', () => {
  it.each(TABLE)('%s', (_label, overrides, expected) => {
    const decision = decideCertificateRequest(request(overrides));
    expect(decision).toMatchObject(expected);
    expect(decision.reason).toMatch(/^[A-Z].+\.$/);
  });

  it('gives reasons in Dutch', () => {
    expect(decideCertificateRequest(request({ requester: 'self', requesterBsn: PERSON })).reason).toBe(
      'Voor een kind jonger dan 12 jaar vraagt een ouder met gezag of een voogd het vaccinatiebewijs aan.',
    );
    expect(decideCertificateRequest(request({ on: ON_AGE(13) })).reason).toContain('toestemming');
  });

  it('never lets anyone but the person from 16, nor the child itself under 12', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 364 }),
        fc.constantFrom<'self' | 'custodian'>('self', 'custodian'),
        fc.boolean(),
        fc.constantFrom(PERSON, CUSTODIAN, OTHER),
        (age, days, requester, youthConsent, requesterBsn) => {
          const on = ON_AGE(age, days);
          const d = decideCertificateRequest(request({ on, requester, youthConsent, requesterBsn }));
          if (!d.allowed) return;
          expect(d.age).not.toBeNull();
          const a = d.age!;
          if (a >= 16) expect([requester, requesterBsn]).toEqual(['self', PERSON]);
          if (a < 12) expect([requester, requesterBsn]).toEqual(['custodian', CUSTODIAN]);
          if (requester === 'custodian') expect(requesterBsn).toBe(CUSTODIAN);
          if (requester === 'custodian' && a >= 12) expect(youthConsent).toBe(true);
        },
      ),
    );
  });
});
