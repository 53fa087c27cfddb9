import fc from 'fast-check';
import { BSN_CAPACITY, makeBsn } from '../../../src/domain/identifiers/index.js';
import {
  ACTIVITY_TYPES,
  ADDRESS_KINDS,
  ANONYMOUS_SCHEMA,
  GENDERS,
  OBJECTION_CODES,
  PERSONALISED_SCHEMA,
  VACCINE_TYPES,
  type ActivitySnapshot,
  type AnonymousMessage,
  type PersonalisedMessage,
} from '../../../src/domain/messages/index.js';

export const VALID_BSN = '111222333';

export function snapshot(): ActivitySnapshot {
  return {
    organisationUra: '90000001',
    version: 1,
    dossier: { number: 'D-000123', status: '01' },
    client: {
      bsn: VALID_BSN,
      givenName: 'Saskia',
      prefix: 'van der',
      familyName: 'Berg',
      gender: '2',
      birthDate: '2021-03-14',
      address: { houseNumber: 12, houseLetter: 'a', houseNumberAddition: 'bis', postcode: '3511 ab' },
    },
    activity: { id: 'Ab3dE9fG1h', type: '01', date: '2021-06-14' },
    vaccinations: [
      {
        vaccineType: '11',
        date: '2021-06-14',
        batchNumber: 'A12B345',
        performer: 'GGD Regio Utrecht',
        location: 'Consultatiebureau Utrecht-Oost',
        objection: null,
      },
      {
        vaccineType: '08',
        date: '2021-06-14',
        batchNumber: 'PN-778',
        performer: 'GGD Regio Utrecht',
        location: 'Consultatiebureau Utrecht-Oost',
      },
    ],
  };
}

export function personalised(): PersonalisedMessage {
  return {
    schema: PERSONALISED_SCHEMA,
    version: 1,
    organisationUra: '90000001',
    dossier: { number: 'D-000123', status: '01' },
    client: {
      bsn: VALID_BSN,
      givenName: 'Saskia',
      prefix: 'van der',
      familyName: 'Berg',
      gender: '2',
      birthDate: '2021-03-14',
      address: {
        kind: '01',
        houseNumber: 12,
        houseLetter: 'a',
        houseNumberAddition: 'bis',
        postcode: '3511AB',
      },
    },
    consent: { given: true, date: '2021-05-01', organisationUra: '90000002' },
    activity: { id: 'Ab3dE9fG1h', type: '01', date: '2021-06-14' },
    vaccinations: [
      {
        vaccineType: '11',
        date: '2021-06-14',
        batchNumber: 'A12B345',
        performer: 'GGD Regio Utrecht',
        location: 'Consultatiebureau Utrecht-Oost',
        objection: null,
      },
    ],
  };
}

export function anonymous(): AnonymousMessage {
  return {
    schema: ANONYMOUS_SCHEMA,
    version: 1,
    organisationUra: '90000001',
    dossierStatus: '01',
    activity: { id: 'Ab3dE9fG1h', type: '01', date: '2021-06-14' },
    vaccinations: [
      {
        vaccineType: '11',
        date: '2021-06-14',
        batchNumber: 'A12B345',
        performer: 'GGD Regio Utrecht',
        location: 'Consultatiebureau Utrecht-Oost',
      },
    ],
  };
}

/** A deep copy of `value` with the value at `path` replaced (or, with `undefined`, removed). */
export function withValue<T>(value: T, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries. Personal values are drawn from alphabets that cannot occur in the non-personal
// values (names start with 'Ω', dossier numbers with '§', birth dates before 2000, activity dates
// after 2009, batch/performer/location are lower-case letters), so "does not occur in the JSON"
// is a meaningful check.

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const dateIn = (fromYear: number, toYear: number) =>
  fc
    .record({
      y: fc.integer({ min: fromYear, max: toYear }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

const alnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
const lower = (min: number, max: number) =>
  fc
    .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz '), minLength: min, maxLength: max })
    .filter((s) => s.trim() !== '');
const personalText = (max: number) => fc.string({ minLength: 0, maxLength: max - 1 }).map((s) => `Ω${s}`);

export const bsnArb = fc.nat(BSN_CAPACITY - 1).map(makeBsn);
export const uraArb = fc.integer({ min: 10_000_000, max: 99_999_999 }).map(String);

const postcodeArb = fc
  .tuple(
    fc.integer({ min: 1000, max: 9999 }),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRTUVWXYZ'),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRTUVWXYZ'),
    fc.constantFrom('', ' '),
    fc.boolean(),
  )
  .map(([n, a, b, space, lowerCase]) => {
    const pc = `${n}${space}${a}${b}`;
    return lowerCase ? pc.toLowerCase() : pc;
  });

const addressArb = fc.record({
  kind: fc.option(fc.constantFrom(...ADDRESS_KINDS.map((k) => k.code)), { nil: undefined }),
  houseNumber: fc.integer({ min: 1, max: 99_999 }),
  houseLetter: fc.option(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'), {
    nil: null,
  }),
  houseNumberAddition: fc.option(fc.string({ unit: alnum, minLength: 1, maxLength: 4 }), { nil: null }),
  postcode: postcodeArb,
});

const vaccinationArb = fc.record({
  vaccineType: fc.constantFrom(...VACCINE_TYPES.map((v) => v.code)),
  date: dateIn(2010, 2030),
  batchNumber: lower(1, 50),
  performer: lower(1, 50),
  location: lower(1, 50),
  objection: fc.option(fc.constantFrom(...OBJECTION_CODES.map((o) => o.code)), { nil: null }),
});

export const snapshotArb = (bsn: fc.Arbitrary<string | null> = fc.option(bsnArb, { nil: null })) =>
  fc.record({
    organisationUra: uraArb,
    version: fc.integer({ min: 1, max: 1_000_000 }),
    dossier: fc.record({
      number: fc.string({ unit: alnum, minLength: 0, maxLength: 14 }).map((s) => `§${s}`),
      status: fc.constantFrom('01' as const, '02' as const),
    }),
    client: fc.record({
      bsn,
      givenName: personalText(200),
      prefix: fc.option(personalText(10), { nil: null }),
      familyName: personalText(200),
      gender: fc.constantFrom(...GENDERS.map((g) => g.code)),
      birthDate: dateIn(1990, 1999),
      address: fc.option(addressArb, { nil: null }),
    }),
    activity: fc.record({
      id: fc.string({ unit: alnum, minLength: 1, maxLength: 10 }),
      type: fc.constantFrom(...ACTIVITY_TYPES.map((t) => t.code)),
      date: dateIn(2010, 2030),
    }),
    vaccinations: fc.array(vaccinationArb, { maxLength: 20 }),
  }) satisfies fc.Arbitrary<ActivitySnapshot>;

export const consentArb = fc.record({ date: dateIn(2010, 2030), organisationUra: uraArb });

/** Junk to attach to an object: personal-sounding keys and arbitrary ones, with arbitrary values. */
export const junkArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'bsn',
      'givenName',
      'familyName',
      'birthDate',
      'client',
      'consent',
      'objection',
      'ssn',
      'name',
    ),
    fc.string(),
  ),
  fc.anything(),
  { maxKeys: 4 },
);
