import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_LENGTH,
  checkCharacter,
  letterRecipients,
  makeResponseCode,
  parseScannedCode,
  verifyPhoneCaller,
  inCohort,
  dueAtSession,
  checkInAdvice,
} from '../../../src/domain/sessions/index.js';

describe('response codes', () => {
  it('ISO 7064 MOD 37-36 check character', () => {
    // A single changed character changes the check character.
    expect(checkCharacter('T0000000')).not.toBe(checkCharacter('T0000001'));
  });

  it.each([
    ['  t1234abcd', 'code-format'],
    ['X1234ABCDE', 'code-format'],
    ['T1234ABC', 'code-format'],
  ] as const)('%j is refused (%s)', (text, rule) => {
    expect(parseScannedCode(text)).toEqual({ ok: false, rule });
  });

  it('what a scanner types is read back; a single typo is caught', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (rs) => {
          let i = 0;
          const code = makeResponseCode(() => rs[i++]!);
          expect(code).toHaveLength(CODE_LENGTH);
          expect(parseScannedCode(code)).toEqual({ ok: true, code });
          expect(parseScannedCode(` ]C0${code.toLowerCase()}\n`)).toEqual({ ok: true, code });
          // Change one payload character to another of the alphabet: the check character notices.
          const pos = (1 + rs[0]! * 8) | 0;
          const original = code[pos]!;
          const other =
            original === 'Z' ? 'Y' : original === '9' ? '8' : String.fromCharCode(original.charCodeAt(0) + 1);
          const typo = code.slice(0, pos) + other + code.slice(pos + 1);
          const parsed = parseScannedCode(typo);
          if (parsed.ok) expect(parsed.code).not.toBe(code);
        },
      ),
    );
  });
});

describe('verifyPhoneCaller (§4.8: last 3 digits of both BSNs)', () => {
  const base = { custodianBsn: '123456782', youthBsn: '111222333' };
  it.each([
    ['782', '333', []],
    ['781', '333', ['custodianBsnLast3:bsn-last-3-mismatch']],
    ['782', '334', ['youthBsnLast3:bsn-last-3-mismatch']],
    ['78', '333', ['custodianBsnLast3:bsn-last-3-format']],
    ['abc', 'xyz', ['custodianBsnLast3:bsn-last-3-format', 'youthBsnLast3:bsn-last-3-format']],
  ] as const)('%s / %s → %o', (custodianLast3, youthLast3, expected) => {
    const problems = verifyPhoneCaller({ ...base, custodianLast3, youthLast3 });
    expect(problems.map((p) => `${p.field}:${p.rule}`)).toEqual(expected);
    // The message never repeats the digits.
    for (const p of problems) expect(p.message).not.toMatch(/\d{3}/);
  });
  it('without a known BSN the caller cannot be verified', () => {
    expect(
      verifyPhoneCaller({
        custodianBsn: null,
        youthBsn: '111222333',
        custodianLast3: '123',
        youthLast3: '333',
      }).map((p) => p.rule),
    ).toEqual(['bsn-unknown']);
  });
});

describe('letterRecipients (§4.8)', () => {
  const people = {
    custodians: [
      { id: 'a', name: 'Ouder A' },
      { id: 'b', name: 'Ouder B' },
    ],
    legalRepresentatives: [{ id: 'r', name: 'Voogd R' }],
    youth: { id: 'self', name: 'Jeugdige' },
  };
  it.each([
    ['2016-06-01', true, ['custodians'], ['a', 'b']],
    ['2013-06-01', true, ['custodians', 'youth'], ['a', 'b', 'self']],
    ['2013-06-01', true, ['youth'], ['self']],
    ['2013-06-01', false, ['legal-representative'], ['r']],
    ['2013-06-01', true, [], ['a', 'b', 'self']], // nothing missing: everyone whose consent counts
    ['2009-06-01', true, [], ['self']],
    ['2016-06-01', true, ['custodians-unknown'], ['a', 'b']],
  ] as const)('born %s, competent %s, missing %o → %o', (birthDate, competent, missing, expected) => {
    const result = letterRecipients({ ...people, birthDate, on: '2026-06-01', competent, missing });
    expect(result.map((r) => r.id)).toEqual(expected);
  });
});

describe('cohort and what is due', () => {
  const criteria = { birthFrom: '2016-01-01', birthTo: '2016-12-31', municipalityCodes: ['GM0344'] };
  it.each([
    [{ kind: 'youth', birthDate: '2016-01-01', municipalityCode: 'GM0344' }, true],
    [{ kind: 'youth', birthDate: '2015-12-31', municipalityCode: 'GM0344' }, false],
    [{ kind: 'youth', birthDate: '2016-12-31', municipalityCode: 'GM0344' }, true],
    [{ kind: 'youth', birthDate: '2017-01-01', municipalityCode: 'GM0344' }, false],
    [{ kind: 'youth', birthDate: '2016-06-01', municipalityCode: 'GM0363' }, false],
    [{ kind: 'youth', birthDate: '2016-06-01', municipalityCode: null }, false],
    [{ kind: 'client', birthDate: '2016-06-01', municipalityCode: 'GM0344' }, false],
  ] as const)('%o → %s', (client, expected) => {
    expect(inCohort(client, criteria)).toBe(expected);
  });
  it('no municipalities chosen: all', () => {
    expect(
      inCohort(
        { kind: 'youth', birthDate: '2016-06-01', municipalityCode: null },
        { ...criteria, municipalityCodes: [] },
      ),
    ).toBe(true);
  });

  it('HPV is due at 10, too early at 8, given once recorded that day', () => {
    expect(dueAtSession({ birthDate: '2016-03-01' }, [], ['09'], '2026-11-23')).toEqual([
      { vaccineType: '09', status: 'due', earliest: expect.any(String) },
    ]);
    const early = dueAtSession({ birthDate: '2018-03-01' }, [], ['09'], '2026-11-23')[0]!;
    expect(early.status).toBe('too-early');
    expect(early.earliest! > '2026-11-23').toBe(true);
    expect(
      dueAtSession(
        { birthDate: '2016-03-01' },
        [{ date: '2026-11-23', vaccineType: '09' }],
        ['09'],
        '2026-11-23',
      )[0]!.status,
    ).toBe('given');
    expect(dueAtSession({ birthDate: '2016-03-01' }, [], ['98'], '2026-11-23')[0]!.status).toBe('not-due');
  });

  it.each([
    [[], [{ vaccineType: '09', status: 'due', earliest: null }], null, 'vaccinate'],
    [['youth'], [{ vaccineType: '09', status: 'due', earliest: null }], null, 'desk'],
    [['custodians-unknown'], [{ vaccineType: '09', status: 'due', earliest: null }], null, 'vaccinate'],
    [[], [{ vaccineType: '09', status: 'given', earliest: null }], null, 'done'],
    [[], [{ vaccineType: '09', status: 'not-due', earliest: null }], null, 'nothing-due'],
    [[], [{ vaccineType: '09', status: 'due', earliest: null }], 'refused', 'not-vaccinated'],
  ] as const)('missing %o, due %o, reason %s → %s', (missing, due, reason, expected) => {
    expect(checkInAdvice({ missing, due, notVaccinatedReason: reason })).toBe(expected);
  });
});
