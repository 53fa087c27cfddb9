import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONSENT_CASES_SCHEMA,
  ConsentCaseFileError,
  formatJsonPath,
  parseConsentCaseFile,
} from '../../../src/domain/consent/index.js';
import { FIXTURE_URL } from './builders.js';

const fixture = JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as { cases: Array<Record<string, unknown>> };

function validCase(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c1',
    evaluationDate: '2021-06-01',
    youth: { birthDate: '2021-01-01' },
    custodians: ['a'],
    records: [{ agreed: true, by: 'a', source: '03', date: '2021-02-01', endDate: null }],
    ...extra,
  };
}

function problemsOf(json: unknown): string[] {
  try {
    parseConsentCaseFile(json);
  } catch (error) {
    if (error instanceof ConsentCaseFileError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseConsentCaseFile', () => {
  it('accepts the Nictiz fixture', () => {
    const cases = parseConsentCaseFile(fixture);
    expect(cases).toHaveLength(9);
    expect(cases[0]).toMatchObject({
      id: 'uc1',
      expected: 'toestemming',
      youth: { birthDate: '2020-12-15' },
    });
  });

  it('fills in defaults: no competence judgements, open end date; expected is optional', () => {
    const record = { agreed: true, by: 'a', source: '03', date: '2021-02-01' };
    const [c] = parseConsentCaseFile({
      schema: CONSENT_CASES_SCHEMA,
      cases: [validCase({ records: [record] })],
    });
    expect(c?.competence).toEqual([]);
    expect(c?.records[0]?.endDate).toBeNull();
    expect(c?.expected).toBeUndefined();
  });

  it('accepts optional record ids and registration timestamps', () => {
    const record = {
      id: 'r1',
      agreed: false,
      by: 'a',
      source: '04',
      date: '2021-02-01',
      endDate: null,
      registeredAt: '2021-02-01T10:15:00+01:00',
    };
    const [c] = parseConsentCaseFile({
      schema: CONSENT_CASES_SCHEMA,
      cases: [validCase({ records: [record] })],
    });
    expect(c?.records[0]).toEqual(record);
  });

  it('lists every problem with its JSON path', () => {
    const bad = structuredClone(fixture) as { schema?: unknown; cases: Array<Record<string, unknown>> };
    const records = bad.cases[2]?.records as Array<Record<string, unknown>>;
    records[0] = { ...records[0], source: '02' };
    records[1] = { ...records[1], agreed: 'nee', date: '2021-02-30' };
    delete bad.cases[4]?.youth;
    bad.cases[5] = { ...bad.cases[5], custodians: 'pieter' };
    expect(problemsOf(bad)).toEqual([
      'cases[2].records[0].source: must be one of 01, 03, 04, 05',
      'cases[2].records[1].agreed: must be true or false',
      'cases[2].records[1].date: 2021-02-30 is not a calendar date: February 2021 has 28 days',
      'cases[4].youth: is required',
      'cases[5].custodians: must be an array of person ids',
    ]);
  });

  it('rejects a wrong or missing schema id and a root that is not an object', () => {
    expect(problemsOf({ ...fixture, schema: 'open-rvp/consent-cases/v2' })).toEqual([
      'schema: must be "open-rvp/consent-cases/v1"',
    ]);
    expect(problemsOf({ cases: [] })).toEqual(['schema: is required']);
    expect(problemsOf([])).toEqual(['(root): must be a JSON object']);
    expect(problemsOf(null)).toEqual(['(root): must be a JSON object']);
  });

  it('checks dates, custodians, end dates and ids across fields', () => {
    const cases = [
      validCase({ evaluationDate: '2020-12-31' }),
      validCase({ id: 'c2', custodians: ['a', 'b', 'c'] }),
      validCase({ id: 'c3', custodians: ['a', 'a'] }),
      validCase({ id: 'c4', custodians: ['youth'] }),
      validCase({
        id: 'c5',
        records: [{ agreed: true, by: 'a', source: '03', date: '2021-02-01', endDate: '2021-01-31' }],
      }),
      validCase({ id: 'c1' }),
    ];
    expect(problemsOf({ schema: CONSENT_CASES_SCHEMA, cases })).toEqual([
      'cases[0].evaluationDate: must not be before youth.birthDate (2021-01-01)',
      'cases[1].custodians: at most 2 persons can have custody, got 3',
      'cases[2].custodians[1]: duplicate custodian "a"',
      'cases[3].custodians[0]: "youth" is the youth themself and cannot be a custodian',
      'cases[4].records[0].endDate: must not be before date (2021-02-01)',
      'cases[5].id: duplicate id "c1" (also cases[0].id)',
    ]);
  });

  it('rejects malformed dates and timestamps', () => {
    const record = { agreed: true, by: 'a', source: '03', date: '2021-2-1', registeredAt: 'yesterday' };
    expect(
      problemsOf({
        schema: CONSENT_CASES_SCHEMA,
        cases: [
          validCase({
            youth: { birthDate: '2021-13-01' },
            records: [record],
            competence: [{ date: '2021-04-31' }],
          }),
        ],
      }),
    ).toEqual([
      'cases[0].youth.birthDate: 2021-13-01 is not a calendar date: month must be 01-12',
      'cases[0].competence[0].date: 2021-04-31 is not a calendar date: April 2021 has 30 days',
      'cases[0].competence[0].competent: is required',
      'cases[0].records[0].date: must be a date in the form YYYY-MM-DD, got "2021-2-1"',
      'cases[0].records[0].registeredAt: must be an ISO timestamp with time zone, e.g. 2021-01-01T09:30:00Z',
    ]);
  });

  it('the error message lists the problems, one per line', () => {
    expect(() =>
      parseConsentCaseFile({ schema: CONSENT_CASES_SCHEMA, cases: [validCase({ custodians: 1 })] }),
    ).toThrow(
      /invalid consent case file \(1 problem\):\n {2}cases\[0\]\.custodians: must be an array of person ids/,
    );
  });

  it('formats JSON paths', () => {
    expect(formatJsonPath([])).toBe('(root)');
    expect(formatJsonPath(['cases', 2, 'records', 0, 'source'])).toBe('cases[2].records[0].source');
  });
});
