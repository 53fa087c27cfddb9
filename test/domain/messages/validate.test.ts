import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  PERSONAL_FIELDS,
  VACCINE_TYPES,
  anonymousMessageSchema,
  personalisedMessageSchema,
  validateMessage,
  vaccinationMessageSchema,
  type MessageError,
} from '../../../src/domain/messages/index.js';
import { anonymous, personalised, withValue } from './fixtures.js';

type Path = (string | number)[];

function errorsOf(json: unknown): MessageError[] {
  const result = validateMessage(json);
  return result.ok ? [] : result.errors;
}

function expectOnly(json: unknown, field: string, rule: string): void {
  const errors = errorsOf(json);
  expect(errors.map((e) => [e.field, e.rule])).toEqual([[field, rule]]);
  expect(errors[0]?.message.length).toBeGreaterThan(10);
}

const fieldName = (path: Path) =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

describe('valid messages', () => {
  it('accepts the example message 4 and 4a', () => {
    expect(validateMessage(personalised())).toEqual({ ok: true, message: personalised() });
    expect(validateMessage(anonymous())).toEqual({ ok: true, message: anonymous() });
  });

  it('agrees with the exported zod schemas', () => {
    expect(personalisedMessageSchema.safeParse(personalised()).success).toBe(true);
    expect(anonymousMessageSchema.safeParse(anonymous()).success).toBe(true);
    expect(vaccinationMessageSchema.safeParse(personalised()).success).toBe(true);
    expect(vaccinationMessageSchema.safeParse(anonymous()).success).toBe(true);
    expect(anonymousMessageSchema.safeParse(personalised()).success).toBe(false);
  });

  it.each<[string, Path, unknown]>([
    ['no prefix', ['client', 'prefix'], null],
    ['no address', ['client', 'address'], null],
    ['no house letter', ['client', 'address', 'houseLetter'], null],
    ['no addition', ['client', 'address', 'houseNumberAddition'], null],
    ['no vaccinations (cancelled)', ['vaccinations'], []],
    ['objection 1', ['vaccinations', 0, 'objection'], '1'],
    ['objection 98', ['vaccinations', 0, 'objection'], '98'],
    ['closed dossier', ['dossier', 'status'], '02'],
    ['gender 0', ['client', 'gender'], '0'],
    ['address kind 98', ['client', 'address', 'kind'], '98'],
    ['leap day', ['client', 'birthDate'], '2020-02-29'],
    ['house number 1', ['client', 'address', 'houseNumber'], 1],
    ['house number 99999', ['client', 'address', 'houseNumber'], 99_999],
    ['upper-case house letter', ['client', 'address', 'houseLetter'], 'Z'],
    ['one-character activity id', ['activity', 'id'], '7'],
    ['other activity type code', ['activity', 'type'], 'W0188.X_1'],
    ['large version', ['version'], Number.MAX_SAFE_INTEGER],
  ])('message 4 with %s', (_name, path, value) => {
    expect(errorsOf(withValue(personalised(), path, value))).toEqual([]);
  });

  it.each(VACCINE_TYPES.map((v) => v.code))('vaccine type %s', (code) => {
    expect(errorsOf(withValue(anonymous(), ['vaccinations', 0, 'vaccineType'], code))).toEqual([]);
  });
});

describe('one rule per invalid field (message 4)', () => {
  it.each<[Path, unknown, string]>([
    [['schema'], 'open-rvp/message-4/v2', 'schema'],
    [['version'], 0, 'positive-integer'],
    [['version'], -1, 'positive-integer'],
    [['version'], 1.5, 'positive-integer'],
    [['version'], '1', 'type'],
    [['version'], undefined, 'required'],
    [['organisationUra'], '1234567', 'ura-format'],
    [['organisationUra'], '123456789', 'ura-format'],
    [['organisationUra'], 12345678, 'type'],
    [['dossier', 'number'], '', 'required'],
    [['dossier', 'number'], '   ', 'required'],
    [['dossier', 'status'], '03', 'code-list'],
    [['dossier'], null, 'required'],
    [['client', 'bsn'], '123456789', 'bsn-11-check'],
    [['client', 'bsn'], '000000000', 'bsn-11-check'],
    [['client', 'bsn'], '12345678', 'bsn-format'],
    [['client', 'bsn'], '1234567820', 'bsn-format'],
    [['client', 'bsn'], '12345678a', 'bsn-format'],
    [['client', 'bsn'], '', 'bsn-format'],
    [['client', 'bsn'], null, 'required'],
    [['client', 'bsn'], 111222333, 'type'],
    [['client', 'givenName'], '', 'required'],
    [['client', 'givenName'], undefined, 'required'],
    [['client', 'prefix'], '', 'required'],
    [['client', 'prefix'], undefined, 'required'],
    [['client', 'familyName'], ' ', 'required'],
    [['client', 'gender'], 'M', 'code-list'],
    [['client', 'gender'], 1, 'code-list'],
    [['client', 'birthDate'], '2021-02-30', 'invalid-date'],
    [['client', 'birthDate'], '2021-02-29', 'invalid-date'],
    [['client', 'birthDate'], '2021-13-01', 'invalid-date'],
    [['client', 'birthDate'], '2021-1-1', 'invalid-date'],
    [['client', 'birthDate'], '14-03-2021', 'invalid-date'],
    [['client', 'birthDate'], '2021-03-14T00:00:00Z', 'invalid-date'],
    [['client', 'address', 'kind'], '05', 'code-list'],
    [['client', 'address', 'kind'], undefined, 'required'],
    [['client', 'address', 'houseNumber'], 0, 'house-number'],
    [['client', 'address', 'houseNumber'], 100_000, 'house-number'],
    [['client', 'address', 'houseNumber'], 12.5, 'house-number'],
    [['client', 'address', 'houseNumber'], '12', 'type'],
    [['client', 'address', 'houseLetter'], 'ab', 'house-letter'],
    [['client', 'address', 'houseLetter'], '1', 'house-letter'],
    [['client', 'address', 'houseLetter'], '', 'house-letter'],
    [['client', 'address', 'houseNumberAddition'], '', 'required'],
    [['client', 'address', 'postcode'], '3511 AB', 'postcode-format'],
    [['client', 'address', 'postcode'], '3511ab', 'postcode-format'],
    [['client', 'address', 'postcode'], '0511AB', 'postcode-format'],
    [['client', 'address', 'postcode'], '3511SA', 'postcode-format'],
    [['client', 'address', 'postcode'], '3511SS', 'postcode-format'],
    [['client', 'address', 'postcode'], '35111A', 'postcode-format'],
    [['client', 'address', 'postcode'], '', 'postcode-format'],
    [['consent', 'given'], false, 'consent-given'],
    [['consent', 'given'], 'ja', 'consent-given'],
    [['consent', 'given'], undefined, 'required'],
    [['dossier', 'status'], undefined, 'required'],
    [['consent', 'date'], '2021-02-30', 'invalid-date'],
    [['consent', 'organisationUra'], 'URA1234', 'ura-format'],
    [['consent'], undefined, 'required'],
    [['activity', 'id'], '', 'activity-id-format'],
    [['activity', 'id'], 'abc-123', 'activity-id-format'],
    [['activity', 'id'], 'äbc', 'activity-id-format'],
    [['activity', 'type'], '', 'required'],
    [['activity', 'type'], 'a b', 'code-format'],
    [['activity', 'date'], '2021-02-30', 'invalid-date'],
    [['vaccinations'], null, 'required'],
    [['vaccinations'], {}, 'type'],
    [['vaccinations', 0, 'vaccineType'], '99', 'vaccine-type'],
    [['vaccinations', 0, 'vaccineType'], '8', 'vaccine-type'],
    [['vaccinations', 0, 'date'], '2021-02-30', 'invalid-date'],
    [['vaccinations', 0, 'batchNumber'], '', 'required'],
    [['vaccinations', 0, 'performer'], '', 'required'],
    [['vaccinations', 0, 'location'], undefined, 'required'],
    [['vaccinations', 0, 'objection'], '3', 'code-list'],
    [['vaccinations', 0, 'objection'], undefined, 'required'],
  ])('%j = %j → %s', (path, value, rule) => {
    expectOnly(withValue(personalised(), path, value), fieldName(path), rule);
  });
});

describe('lengths at the boundaries', () => {
  const cases: [Path, number, string][] = [
    [['dossier', 'number'], LIMITS.dossierNumber, 'max-length'],
    [['client', 'givenName'], LIMITS.givenName, 'max-length'],
    [['client', 'prefix'], LIMITS.prefix, 'max-length'],
    [['client', 'familyName'], LIMITS.familyName, 'max-length'],
    [['client', 'address', 'houseNumberAddition'], LIMITS.houseNumberAddition, 'max-length'],
    [['activity', 'id'], LIMITS.activityId, 'activity-id-format'],
    [['activity', 'type'], LIMITS.activityType, 'max-length'],
    [['vaccinations', 0, 'batchNumber'], LIMITS.batchNumber, 'max-length'],
    [['vaccinations', 0, 'performer'], LIMITS.performer, 'max-length'],
    [['vaccinations', 0, 'location'], LIMITS.location, 'max-length'],
  ];
  it.each(cases)('%j: %i characters pass, one more fails with %s', (path, max, rule) => {
    expect(errorsOf(withValue(personalised(), path, 'x'.repeat(max)))).toEqual([]);
    expectOnly(withValue(personalised(), path, 'x'.repeat(max + 1)), fieldName(path), rule);
  });

  it('the same limits hold in message 4a', () => {
    for (const key of ['batchNumber', 'performer', 'location'] as const) {
      expect(errorsOf(withValue(anonymous(), ['vaccinations', 0, key], 'x'.repeat(LIMITS[key])))).toEqual([]);
      expectOnly(
        withValue(anonymous(), ['vaccinations', 0, key], 'x'.repeat(LIMITS[key] + 1)),
        `vaccinations[0].${key}`,
        'max-length',
      );
    }
  });

  it(`at most ${LIMITS.vaccinations} vaccinations per activity`, () => {
    const one = personalised().vaccinations[0];
    expect(
      errorsOf(withValue(personalised(), ['vaccinations'], Array(LIMITS.vaccinations).fill(one))),
    ).toEqual([]);
    expectOnly(
      withValue(personalised(), ['vaccinations'], Array(LIMITS.vaccinations + 1).fill(one)),
      'vaccinations',
      'max-items',
    );
    expectOnly(
      withValue(
        anonymous(),
        ['vaccinations'],
        Array(LIMITS.vaccinations + 1).fill(anonymous().vaccinations[0]),
      ),
      'vaccinations',
      'max-items',
    );
  });
});

describe('message 4a carries nothing else (R-V3)', () => {
  it.each<[Path, unknown]>([
    [['bsn'], '111222333'],
    [['client'], personalised().client],
    [['dossier'], personalised().dossier],
    [['dossierNumber'], 'D-1'],
    [['consent'], personalised().consent],
    [['birthDate'], '2021-03-14'],
    [['gender'], '2'],
    [['postcode'], '3511AB'],
    [['x'], null],
    [['activity', 'bsn'], '111222333'],
    [['activity', 'client'], {}],
    [['vaccinations', 0, 'objection'], '1'],
    [['vaccinations', 0, 'objection'], null],
    [['vaccinations', 0, 'birthDate'], '2021-03-14'],
    [['vaccinations', 0, 'name'], 'Saskia'],
  ])('refuses an extra field %j', (path, value) => {
    expectOnly(withValue(anonymous(), path, value), fieldName(path), 'unknown-field');
  });

  it('refuses every personal field of message 4, at its own path', () => {
    const four = personalised() as unknown as Record<string, unknown>;
    for (const path of PERSONAL_FIELDS.filter((p) => !p.includes('.'))) {
      expectOnly({ ...anonymous(), [path]: four[path] }, path, 'unknown-field');
    }
  });

  it('a message 4 relabelled as 4a is refused for each personal field it carries', () => {
    const errors = errorsOf({ ...personalised(), schema: 'open-rvp/message-4a/v1' });
    expect(errors.map((e) => [e.field, e.rule]).sort()).toEqual(
      [
        ['client', 'unknown-field'],
        ['consent', 'unknown-field'],
        ['dossier', 'unknown-field'],
        ['dossierStatus', 'required'],
        ['vaccinations[0].objection', 'unknown-field'],
      ].sort(),
    );
  });

  it('reports several extra fields at once', () => {
    const json = { ...anonymous(), a: 1, b: 2 };
    expect(errorsOf(json).map((e) => [e.field, e.rule])).toEqual([
      ['a', 'unknown-field'],
      ['b', 'unknown-field'],
    ]);
  });
});

describe('message 4 refuses unknown fields at every level', () => {
  it.each<Path>([
    ['extra'],
    ['dossier', 'extra'],
    ['client', 'extra'],
    ['client', 'address', 'extra'],
    ['consent', 'reason'],
    ['consent', 'source'],
    ['activity', 'extra'],
    ['vaccinations', 0, 'extra'],
  ])('%j', (...path) => {
    expectOnly(withValue(personalised(), path, 'x'), fieldName(path), 'unknown-field');
  });
});

describe('whole-message problems', () => {
  it.each([null, [], 'bericht', 4])('refuses a non-object %j', (json) => {
    expectOnly(json, '(root)', 'type');
  });

  it('requires a known schema', () => {
    expectOnly({ ...anonymous(), schema: undefined }, 'schema', 'required');
    expectOnly({ ...anonymous(), schema: 'open-rvp/message-5/v1' }, 'schema', 'schema');
  });

  it('reports every problem, with Dutch messages naming the BDS element', () => {
    const json = withValue(
      withValue(personalised(), ['client', 'bsn'], '123456789'),
      ['vaccinations', 0, 'date'],
      '2021-02-30',
    );
    const errors = errorsOf(json);
    expect(errors).toEqual([
      { field: 'client.bsn', rule: 'bsn-11-check', message: 'BSN (BDS 7): voldoet niet aan de elfproef.' },
      {
        field: 'vaccinations[0].date',
        rule: 'invalid-date',
        message: 'Datum vaccinatie (BDS 1409): 2021-02-30 is geen bestaande kalenderdatum.',
      },
    ]);
  });
});
