/**
 * The pure half of the population import (R-R1): CSV splitting with quoted fields, the two row formats,
 * and the validation rules per field (docs/population.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIELDS_BY_KIND,
  formatFromName,
  parseCsvHeader,
  parseCsvRow,
  parseNdjsonLine,
  POPULATION_FIELDS,
  PopulationFileError,
  responsibleOrganisationUra,
  splitCsvLine,
  validatePopulationRow,
  type RawRow,
} from '../../src/registry/population-import.js';

const TODAY = '2025-11-20';
const BSN = '557071501';

const person = (fields: Record<string, string | undefined> = {}, custodians?: string[]): RawRow => ({
  fields: {
    kind: 'person',
    bsn: BSN,
    source: 'brp',
    givenName: 'Noor',
    familyName: 'Vries',
    gender: '2',
    birthDate: '2015-03-02',
    municipalityCode: 'GM0344',
    ...fields,
  },
  ...(custodians ? { custodians } : {}),
});

const rules = (raw: RawRow) => {
  const v = validatePopulationRow(raw, TODAY);
  return v.ok ? [] : v.errors.map((e) => [e.field, e.rule]);
};

describe('splitCsvLine', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['', ['']],
    [',', ['', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['"",""', ['', '']],
    ['x,"y"', ['x', 'y']],
    ['Laan van Nieuw-Oost Indië,12', ['Laan van Nieuw-Oost Indië', '12']],
  ])('%j', (line, fields) => {
    expect(splitCsvLine(line)).toEqual(fields);
  });

  it.each(['"open', 'a,"b', 'a"b,c', '"a"b,c', '"a" ,b'])('refuses broken quoting: %j', (line) => {
    expect(splitCsvLine(line)).toBeNull();
  });

  it('round-trips any fields written with RFC 4180 quoting (one line)', () => {
    const encode = (f: string) => (/[",]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f);
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !/[\r\n]/.test(s)),
          { minLength: 1, maxLength: 8 },
        ),
        (fields) => {
          expect(splitCsvLine(fields.map(encode).join(','))).toEqual(fields);
        },
      ),
    );
  });

  it('never throws on any line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        const r = splitCsvLine(line);
        expect(r === null || Array.isArray(r)).toBe(true);
      }),
    );
  });
});

describe('CSV header and rows', () => {
  it('accepts known columns in any order, with a BOM', () => {
    expect(parseCsvHeader('\ufeffbsn, kind ,date')).toEqual(['bsn', 'kind', 'date']);
  });
  it.each([
    ['kind,bsn,voornaam', /unknown column "voornaam"/],
    ['kind,bsn,bsn', /appears twice/],
    ['kind,date', /no "bsn" column/],
    ['"kind,bsn', /broken quoting/],
  ])('refuses header %j', (line, message) => {
    expect(() => parseCsvHeader(line)).toThrow(PopulationFileError);
    expect(() => parseCsvHeader(line)).toThrow(message);
  });
  it('reads custodians separated by ; or spaces, and treats empty cells as absent', () => {
    const columns = parseCsvHeader('kind,bsn,custodians,prefix');
    expect(parseCsvRow(`person,${BSN}," 522093802; 164920407 ",`, columns)).toEqual({
      ok: true,
      raw: { fields: { kind: 'person', bsn: BSN }, custodians: ['522093802', '164920407'] },
    });
  });
  it('refuses a row with the wrong number of cells', () => {
    const row = parseCsvRow('person,1', parseCsvHeader('kind,bsn,date'));
    expect(row).toMatchObject({ ok: false, errors: [{ field: 'line', rule: 'csv-columns' }] });
  });
});

describe('NDJSON rows', () => {
  it('takes strings, a numeric house number, null as absent, custodians as objects', () => {
    expect(
      parseNdjsonLine(
        JSON.stringify({
          kind: 'person',
          bsn: ` ${BSN} `,
          houseNumber: 12,
          prefix: null,
          custodians: [{ bsn: '522093802' }],
        }),
      ),
    ).toEqual({
      ok: true,
      raw: { fields: { kind: 'person', bsn: BSN, houseNumber: '12' }, custodians: ['522093802'] },
    });
  });
  it.each([
    ['{"kind":', 'line', 'json-invalid'],
    ['[1,2]', 'line', 'json-not-object'],
    ['42', 'line', 'json-not-object'],
    ['{"kind":"person","bsn":557071501}', 'bsn', 'type-string'],
    ['{"kind":"person","foo":"x"}', 'foo', 'unknown-field'],
    ['{"kind":"person","custodians":"522093802"}', 'custodians', 'custodians-format'],
    [
      '{"kind":"person","custodians":[{"bsn":"522093802","name":"x"}]}',
      'custodians[0].name',
      'unknown-field',
    ],
    ['{"kind":"person","custodians":[{"bsn":522093802}]}', 'custodians[0].bsn', 'type-string'],
  ])('refuses %s (%s: %s)', (line, field, rule) => {
    const parsed = parseNdjsonLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors).toContainEqual(expect.objectContaining({ field, rule }));
  });
  it('never throws on any line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((v) => JSON.stringify(v) ?? ''),
        ),
        (line) => {
          const parsed = parseNdjsonLine(line);
          if (parsed.ok) validatePopulationRow(parsed.raw, TODAY);
        },
      ),
    );
  });
});

describe('validatePopulationRow', () => {
  it('accepts a complete person and normalises the postcode', () => {
    const v = validatePopulationRow(
      person({ postcode: '3511 ab', houseNumber: '12', houseLetter: 'A', prefix: 'de' }, [
        '522093802',
        '522093802',
      ]),
      TODAY,
    );
    expect(v).toEqual({
      ok: true,
      record: {
        kind: 'person',
        bsn: BSN,
        source: 'brp',
        givenName: 'Noor',
        prefix: 'de',
        familyName: 'Vries',
        gender: '2',
        birthDate: '2015-03-02',
        address: {
          street: null,
          houseNumber: 12,
          houseLetter: 'A',
          houseNumberAddition: null,
          postcode: '3511AB',
          city: null,
          municipalityCode: 'GM0344',
        },
        custodians: ['522093802'],
      },
    });
  });

  it.each<[string, RawRow, [string, string][]]>([
    ['no kind', { fields: { bsn: BSN } }, [['kind', 'required']]],
    ['unknown kind', { fields: { kind: 'birth', bsn: BSN } }, [['kind', 'kind-unknown']]],
    ['BSN not nine digits', person({ bsn: '12345678' }), [['bsn', 'bsn-format']]],
    ['BSN fails the 11-check', person({ bsn: '123456789' }), [['bsn', 'bsn-11-check']]],
    ['no source', person({ source: undefined }), [['source', 'required']]],
    ['unknown source', person({ source: 'gba' }), [['source', 'source-unknown']]],
    ['no given name', person({ givenName: undefined }), [['givenName', 'required']]],
    ['long family name', person({ familyName: 'x'.repeat(201) }), [['familyName', 'too-long']]],
    ['long prefix', person({ prefix: 'van der den' }), [['prefix', 'too-long']]],
    ['control character', person({ givenName: 'No\u0007or' }), [['givenName', 'text-control-characters']]],
    ['replacement character', person({ city: 'Utr\ufffdcht' }), [['city', 'text-encoding']]],
    ['gender code', person({ gender: 'M' }), [['gender', 'gender-code']]],
    ['impossible date', person({ birthDate: '2023-02-29' }), [['birthDate', 'date-invalid']]],
    ['date format', person({ birthDate: '02-03-2015' }), [['birthDate', 'date-invalid']]],
    ['future birth', person({ birthDate: '2025-11-21' }), [['birthDate', 'date-future']]],
    ['too early', person({ birthDate: '1899-12-31' }), [['birthDate', 'date-too-early']]],
    ['postcode', person({ postcode: '1234 SA' }), [['postcode', 'postcode']]],
    ['house number', person({ houseNumber: '0' }), [['houseNumber', 'house-number']]],
    ['house letter without number', person({ houseLetter: 'B' }), [['houseNumber', 'required']]],
    ['house letter', person({ houseNumber: '1', houseLetter: 'AB' }), [['houseLetter', 'house-letter']]],
    ['no municipality', person({ municipalityCode: undefined }), [['municipalityCode', 'required']]],
    [
      'municipality format',
      person({ municipalityCode: '0344' }),
      [['municipalityCode', 'municipality-format']],
    ],
    [
      'municipality unknown',
      person({ municipalityCode: 'GM0001' }),
      [['municipalityCode', 'municipality-unknown']],
    ],
    ['custodian BSN', person({}, ['123456789']), [['custodians[0].bsn', 'bsn-11-check']]],
    ['own custodian', person({}, [BSN]), [['custodians[0].bsn', 'custodian-self']]],
    [
      'too many custodians',
      person(
        {},
        Array.from({ length: 11 }, () => '522093802'),
      ),
      [['custodians', 'too-many']],
    ],
    ['date on a person', person({ date: '2025-01-01' }), [['date', 'field-not-allowed']]],
    [
      'death with a name and no date',
      { fields: { kind: 'death', bsn: BSN, givenName: 'X' } },
      [
        ['givenName', 'field-not-allowed'],
        ['date', 'required'],
      ],
    ],
    [
      'custodians on a move',
      {
        fields: { kind: 'move', bsn: BSN, date: '2025-01-01', municipalityCode: 'GM0344' },
        custodians: ['522093802'],
      },
      [['custodians', 'field-not-allowed']],
    ],
    [
      'move without municipality',
      { fields: { kind: 'move', bsn: BSN, date: '2025-01-01' } },
      [['municipalityCode', 'required']],
    ],
    [
      'future emigration',
      { fields: { kind: 'emigration', bsn: BSN, date: '2026-01-01' } },
      [['date', 'date-future']],
    ],
  ])('refuses: %s', (_label, raw, expected) => {
    expect(rules(raw)).toEqual(expected);
  });

  it('accepts each kind with only its own fields', () => {
    expect(validatePopulationRow({ fields: { kind: 'death', bsn: BSN, date: TODAY } }, TODAY).ok).toBe(true);
    expect(
      validatePopulationRow({ fields: { kind: 'emigration', bsn: BSN, date: '2000-01-01' } }, TODAY).ok,
    ).toBe(true);
    expect(
      validatePopulationRow(
        { fields: { kind: 'move', bsn: BSN, date: TODAY, municipalityCode: 'GM0363' } },
        TODAY,
      ).ok,
    ).toBe(true);
    for (const kind of ['person', 'move', 'death', 'emigration'] as const) {
      for (const field of FIELDS_BY_KIND[kind]) expect(POPULATION_FIELDS).toContain(field);
    }
  });
});

describe('format and organisation', () => {
  it('knows the format from the file name', () => {
    expect(formatFromName('brp-2025-11.ndjson')).toBe('ndjson');
    expect(formatFromName('x.JSONL')).toBe('ndjson');
    expect(formatFromName('coa.csv')).toBe('csv');
    expect(formatFromName('extract.txt')).toBeNull();
  });
  it('derives the responsible organisation from the municipality (demo GGD regions)', () => {
    expect(responsibleOrganisationUra('GM0344')).not.toBe(responsibleOrganisationUra('GM0363'));
    expect(responsibleOrganisationUra('GM0307')).toBe(responsibleOrganisationUra('GM0308'));
    expect(responsibleOrganisationUra(null)).toBeNull();
  });
});
