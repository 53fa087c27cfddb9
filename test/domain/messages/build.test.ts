import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_TYPES,
  ANONYMOUS_SCHEMA,
  OBJECTION_CODES,
  PERSONALISED_SCHEMA,
  VACCINE_TYPES,
  anonymise,
  buildAnonymousMessage,
  buildPersonalisedMessage,
  chooseMessage,
  isVaccineType,
  isValidActivityId,
  newActivityId,
  personalFieldsIn,
  validateMessage,
} from '../../../src/domain/messages/index.js';
import { anonymous, personalised, snapshot } from './fixtures.js';

const consent = { date: '2021-05-01', organisationUra: '90000002' };

describe('buildPersonalisedMessage', () => {
  it('builds message 4 from a snapshot, normalising the postcode and defaulting the address kind', () => {
    const message = buildPersonalisedMessage(snapshot(), consent);
    expect(message).toEqual({
      ...personalised(),
      vaccinations: [
        personalised().vaccinations[0],
        { ...personalised().vaccinations[0], vaccineType: '08', batchNumber: 'PN-778', objection: null },
      ],
    });
    expect(validateMessage(message).ok).toBe(true);
  });

  it('turns empty optional strings into null', () => {
    const s = snapshot();
    s.client.prefix = '';
    s.client.address = {
      houseNumber: 1,
      houseLetter: '',
      houseNumberAddition: '',
      postcode: '1234AB',
      kind: '02',
    };
    const message = buildPersonalisedMessage(s, consent);
    expect(message.client.prefix).toBeNull();
    expect(message.client.address).toEqual({
      kind: '02',
      houseNumber: 1,
      houseLetter: null,
      houseNumberAddition: null,
      postcode: '1234AB',
    });
  });

  it('passes an invalid postcode on unchanged, so validation reports it', () => {
    const s = snapshot();
    if (s.client.address) s.client.address.postcode = '1234 SA';
    const result = validateMessage(buildPersonalisedMessage(s, consent));
    expect(result.ok ? [] : result.errors.map((e) => [e.field, e.rule])).toEqual([
      ['client.address.postcode', 'postcode-format'],
    ]);
  });

  it('carries about consent only that it was given, its date and the organisation (R-C7)', () => {
    const polluted = { ...consent, source: '03', by: 'mother', note: 'mondeling' } as typeof consent;
    expect(buildPersonalisedMessage(snapshot(), polluted).consent).toEqual({ given: true, ...consent });
  });

  it('refuses a client without BSN', () => {
    const s = snapshot();
    s.client.bsn = null;
    expect(() => buildPersonalisedMessage(s, consent)).toThrow(/BSN/);
  });
});

describe('buildAnonymousMessage', () => {
  it('builds message 4a with only the allowed fields', () => {
    const message = buildAnonymousMessage(snapshot());
    expect(message).toEqual({
      ...anonymous(),
      vaccinations: [
        anonymous().vaccinations[0],
        { ...anonymous().vaccinations[0], vaccineType: '08', batchNumber: 'PN-778' },
      ],
    });
    expect(personalFieldsIn(message)).toEqual([]);
    expect(validateMessage(message).ok).toBe(true);
  });

  it('also works without a BSN and with no vaccinations (cancelled activity)', () => {
    const s = { ...snapshot(), vaccinations: [] };
    s.client.bsn = null;
    expect(buildAnonymousMessage(s).vaccinations).toEqual([]);
    expect(validateMessage(buildAnonymousMessage(s)).ok).toBe(true);
  });
});

describe('chooseMessage (R-C5, R-V5)', () => {
  it('personalised with consent and a BSN', () => {
    expect(chooseMessage(snapshot(), 'toestemming', consent).schema).toBe(PERSONALISED_SCHEMA);
  });

  it('anonymous without consent, even when consent details are passed', () => {
    expect(chooseMessage(snapshot(), 'geen-toestemming', null).schema).toBe(ANONYMOUS_SCHEMA);
    expect(chooseMessage(snapshot(), 'geen-toestemming', consent).schema).toBe(ANONYMOUS_SCHEMA);
  });

  it.each([null, '', '  '])('anonymous with consent but no BSN (%j)', (bsn) => {
    const s = snapshot();
    s.client.bsn = bsn;
    expect(chooseMessage(s, 'toestemming', consent)).toEqual(buildAnonymousMessage(s));
  });

  it("refuses 'toestemming' without the consent date and organisation", () => {
    expect(() => chooseMessage(snapshot(), 'toestemming', null)).toThrow();
  });
});

describe('anonymise', () => {
  it('gives the 4a of the same activity', () => {
    expect(anonymise(buildPersonalisedMessage(snapshot(), consent))).toEqual(
      buildAnonymousMessage(snapshot()),
    );
  });
});

describe('personalFieldsIn', () => {
  it('finds every personal path of message 4 and none of 4a', () => {
    expect(personalFieldsIn(personalised()).sort()).toEqual(
      [
        'dossier',
        'dossier.number',
        'client',
        'client.bsn',
        'client.givenName',
        'client.prefix',
        'client.familyName',
        'client.gender',
        'client.birthDate',
        'client.address',
        'client.address.kind',
        'client.address.houseNumber',
        'client.address.houseLetter',
        'client.address.houseNumberAddition',
        'client.address.postcode',
        'consent',
        'consent.given',
        'consent.date',
        'consent.organisationUra',
        'vaccinations[].objection',
      ].sort(),
    );
    expect(personalFieldsIn(anonymous())).toEqual([]);
  });
});

describe('activity ids', () => {
  it('are ten alphanumerics, and valid', () => {
    const id = newActivityId();
    expect(id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(isValidActivityId(id)).toBe(true);
  });

  it('do not repeat in 10 000 draws', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newActivityId()));
    expect(ids.size).toBe(10_000);
  });

  it('use the injected random source', () => {
    expect(newActivityId(() => 0)).toBe('0000000000');
    expect(newActivityId(() => 0.999999)).toBe('zzzzzzzzzz');
    expect(isValidActivityId(newActivityId(() => Number.NaN))).toBe(true);
    expect(isValidActivityId(newActivityId(() => 1))).toBe(true);
    expect(isValidActivityId(newActivityId(() => -3))).toBe(true);
  });

  it.each([
    ['', false],
    ['a', true],
    ['0123456789', true],
    ['01234567890', false],
    ['abc_12', false],
    ['abc 12', false],
    ['ÀBC', false],
    [12345, false],
  ])('isValidActivityId(%j) = %s', (value, expected) => {
    expect(isValidActivityId(value)).toBe(expected);
  });
});

describe('code lists', () => {
  it('W0422 has the SPEC §12 codes, each once', () => {
    expect(VACCINE_TYPES.map((v) => v.code)).toEqual([
      '11',
      '08',
      '04',
      '28',
      '09',
      '02',
      '13',
      '27',
      '29',
      '30',
      '98',
    ]);
    expect(isVaccineType('04')).toBe(true);
    expect(isVaccineType('4')).toBe(false);
    expect(isVaccineType(11)).toBe(false);
  });

  it('W0323 and the activity types have unique codes', () => {
    expect(OBJECTION_CODES.map((o) => o.code)).toEqual(['1', '2', '98']);
    const codes = ACTIVITY_TYPES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
