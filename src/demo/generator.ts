import { BSN_CAPACITY, makeBsn } from '../domain/identifiers/bsn.js';
import { daysFromCivil, isoFromDays, parseIsoDate } from './generator-dates.js';
import { BACKGROUNDS, DUTCH_BACKGROUND } from './generator-names.js';
import type { Background, FamilyName } from './generator-names.js';
import { placeAt, postcodeIn, STREETS } from './generator-places.js';
import type { Place } from './generator-places.js';
import { hashSeed, Random } from './generator-random.js';

/**
 * Deterministic synthetic population for demos and benchmarks: youths aged 0–17 and a few
 * pregnant clients, with addresses and custodians. Streams one person at a time and keeps
 * nothing per person, so it scales to the national 3.5 million.
 *
 * Every person is generated from its own random stream (seed, index), so person i is the same
 * whatever `size` is, and any person can be produced on its own (generatedPersonAt).
 * Youths are grouped into households (siblings share address, family name and custodians).
 * BSNs are unique without a lookup table: the person at index i gets makeBsn(i); custodians of
 * the household starting at index h get makeBsn(CUSTODIAN_BSN_BASE + 2h + k), a disjoint range.
 */

export type Gender = '1' | '2' | '3';

export interface GeneratedAddress {
  readonly street: string;
  readonly houseNumber: number;
  readonly houseLetter: string | null;
  readonly houseNumberAddition: string | null;
  /** "1234AB". */
  readonly postcode: string;
  readonly city: string;
  readonly municipalityCode: string;
}

export interface GeneratedCustodian {
  readonly bsn: string;
  readonly givenName: string;
  readonly prefix: string | null;
  readonly familyName: string;
  readonly gender: Gender;
  readonly birthDate: string;
  readonly hasCustody: boolean;
  readonly relation: 'parent' | 'guardian';
}

export interface GeneratedClient {
  readonly index: number;
  /** youth: under 18; client: a pregnant woman of 18–42. */
  readonly kind: 'youth' | 'client';
  readonly bsn: string;
  readonly givenName: string;
  readonly prefix: string | null;
  readonly familyName: string;
  readonly gender: Gender;
  readonly birthDate: string;
  readonly address: GeneratedAddress;
  readonly organisationUra: string;
  readonly custodians: readonly GeneratedCustodian[];
  readonly pregnancy: { readonly dueDate: string } | null;
}

export interface PopulationOptions {
  /** Any integer; the same seed gives the same population. */
  readonly seed: number;
  /** Number of people to yield. */
  readonly size: number;
  /** Ages are computed on this date (YYYY-MM-DD). */
  readonly referenceDate: string;
}

/** Largest population the BSN ranges allow. */
export const MAX_POPULATION = 20_000_000;
const CUSTODIAN_BSN_BASE = MAX_POPULATION;
// Youths and custodians must fit in makeBsn's range.
if (CUSTODIAN_BSN_BASE + 2 * MAX_POPULATION > BSN_CAPACITY) throw new Error('BSN ranges overlap capacity');

const CLIENT_SHARE = 0.02;
const YEAR_DAYS = 365.2425;

// Household sizes for each block of 8 consecutive indices; one pattern is picked per block.
const BLOCK = 8;
const HOUSEHOLD_PATTERNS: readonly (readonly number[])[] = [
  [2, 2, 2, 2],
  [1, 2, 2, 3],
  [2, 3, 3],
  [1, 1, 2, 2, 2],
  [2, 2, 1, 3],
  [3, 2, 2, 1],
  [1, 2, 3, 2],
  [2, 1, 2, 3],
  [1, 3, 1, 3],
  [2, 2, 4],
];

// Stream salts: distinct streams for a person and for a household.
const SALT_PERSON = 0x70657273;
const SALT_HOUSEHOLD = 0x686f7573;

interface Context {
  readonly seed: number;
  readonly refDays: number;
  /** Earliest birth day of someone aged 17 or less on the reference date. */
  readonly youthEarliest: number;
  /** Earliest/latest birth day of a client aged 18–42. */
  readonly clientEarliest: number;
  readonly clientLatest: number;
  /** Last household built: siblings are consecutive, so streaming reuses it. */
  cached: { start: number; household: Household } | null;
}

function contextFor(opts: PopulationOptions): Context {
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer: ${opts.seed}`);
  if (!Number.isSafeInteger(opts.size) || opts.size < 0 || opts.size > MAX_POPULATION) {
    throw new RangeError(`size must be an integer in 0…${MAX_POPULATION}: ${opts.size}`);
  }
  const ref = parseIsoDate(opts.referenceDate);
  if (ref === null) throw new RangeError(`referenceDate must be YYYY-MM-DD: ${opts.referenceDate}`);
  const yearsBefore = (n: number): number => daysFromCivil(ref.year - n, ref.month, ref.day);
  return {
    seed: opts.seed | 0,
    refDays: ref.days,
    youthEarliest: yearsBefore(18) + 1,
    clientEarliest: yearsBefore(43) + 1,
    clientLatest: yearsBefore(18),
    cached: null,
  };
}

/** Who is at this index: the first two draws of the person's stream, shared with siblings' lookups. */
function personBasics(ctx: Context, index: number): { rng: Random; isClient: boolean; birthDays: number } {
  const rng = new Random(hashSeed(ctx.seed, index, SALT_PERSON));
  const isClient = rng.next() < CLIENT_SHARE;
  const u = rng.next();
  const birthDays = isClient
    ? ctx.clientEarliest + Math.floor(u * (ctx.clientLatest - ctx.clientEarliest + 1))
    : ctx.youthEarliest + Math.floor(u * (ctx.refDays - ctx.youthEarliest + 1));
  return { rng, isClient, birthDays };
}

/** The household containing index: its first index and its size. */
function householdOf(ctx: Context, index: number): { start: number; size: number } {
  const blockStart = index - (index % BLOCK);
  const pattern = HOUSEHOLD_PATTERNS[
    hashSeed(ctx.seed, blockStart / BLOCK, SALT_HOUSEHOLD) % HOUSEHOLD_PATTERNS.length
  ] as readonly number[];
  let start = blockStart;
  for (const size of pattern) {
    if (index < start + size) return { start, size };
    start += size;
  }
  // Unreachable: every pattern sums to BLOCK.
  return { start: index, size: 1 };
}

function pickFamilyName(rng: Random, bg: Background): FamilyName {
  return rng.pick(bg.familyNames);
}

const BACKGROUND_TOTAL = BACKGROUNDS.reduce((sum, bg) => sum + bg.weight, 0);

function pickBackground(rng: Random): Background {
  let u = rng.next() * BACKGROUND_TOTAL;
  for (const bg of BACKGROUNDS) {
    u -= bg.weight;
    if (u < 0) return bg;
  }
  return DUTCH_BACKGROUND;
}

const LETTERS = ['A', 'B', 'C'] as const;
const ADDITIONS = ['1', '2', '3', 'hs', 'bis', 'II', 'A'] as const;

function makeAddress(rng: Random, place: Place): GeneratedAddress {
  const street = rng.pick(STREETS);
  // Mostly low house numbers, a tail up to ~300.
  const houseNumber = 1 + Math.floor(rng.next() * rng.next() * 300);
  const houseLetter = rng.chance(0.04) ? rng.pick(LETTERS) : null;
  const houseNumberAddition = houseLetter === null && rng.chance(0.05) ? rng.pick(ADDITIONS) : null;
  const postcode = postcodeIn(place, rng.next(), rng.next(), rng.next());
  return {
    street,
    houseNumber,
    houseLetter,
    houseNumberAddition,
    postcode,
    city: place.city,
    municipalityCode: place.municipalityCode,
  };
}

interface Household {
  readonly background: Background;
  readonly familyName: FamilyName;
  readonly address: GeneratedAddress;
  readonly organisationUra: string;
  readonly custodians: readonly GeneratedCustodian[];
}

/** Adults' given names; a few in every background are Dutch (second generation). */
function adultName(rng: Random, bg: Background, gender: Gender): string {
  const source = bg !== DUTCH_BACKGROUND && rng.chance(0.1) ? DUTCH_BACKGROUND : bg;
  return rng.pick(gender === '1' ? source.men : source.women);
}

function makeHousehold(ctx: Context, start: number, size: number): Household {
  const rng = new Random(hashSeed(ctx.seed, start, SALT_HOUSEHOLD + 1));
  const background = pickBackground(rng);
  const familyName = pickFamilyName(rng, background);
  const place = placeAt(rng.next());
  const address = makeAddress(rng, place);

  // Parents' ages follow from the oldest child, capped so they are not too old at the youngest.
  let oldestBirth = ctx.refDays;
  let youngestBirth = ctx.youthEarliest;
  for (let i = start; i < start + size; i++) {
    const sibling = personBasics(ctx, i);
    if (sibling.isClient) continue;
    if (sibling.birthDays < oldestBirth) oldestBirth = sibling.birthDays;
    if (sibling.birthDays > youngestBirth) youngestBirth = sibling.birthDays;
  }
  const gapYears = Math.max(0, youngestBirth - oldestBirth) / YEAR_DAYS;
  const bsnAt = (k: number): string => makeBsn(CUSTODIAN_BSN_BASE + 2 * start + k);
  /** Birth date of a parent aged minAge…maxAge at the oldest child's birth and at most capAge at the youngest's. */
  const parentBirth = (minAge: number, maxAge: number, capAge: number): string => {
    const max = Math.max(minAge, Math.min(maxAge, capAge - gapYears));
    return isoFromDays(oldestBirth - Math.floor((minAge + rng.next() * (max - minAge)) * YEAR_DAYS));
  };

  const custodians: GeneratedCustodian[] = [];
  const u = rng.next();
  if (u < 0.8) {
    // Two parents, both with custody (married, registered partners or joint custody).
    const sameSex = rng.chance(0.015);
    const mother: Gender = '2';
    const other: Gender = sameSex ? '2' : '1';
    const motherName = rng.chance(0.3) ? familyName : pickFamilyName(rng, background);
    custodians.push(
      parent(bsnAt(0), adultName(rng, background, mother), motherName, mother, parentBirth(20, 40, 46), true),
      parent(bsnAt(1), adultName(rng, background, other), familyName, other, parentBirth(20, 44, 56), true),
    );
  } else if (u < 0.92) {
    // Single parent with custody; mostly the mother.
    const gender: Gender = rng.chance(0.85) ? '2' : '1';
    custodians.push(
      parent(bsnAt(0), adultName(rng, background, gender), familyName, gender, parentBirth(19, 42, 46), true),
    );
  } else if (u < 0.975) {
    // Separated: one parent with custody, the other recognised the child but has no custody.
    const otherName = pickFamilyName(rng, background);
    custodians.push(
      parent(bsnAt(0), adultName(rng, background, '2'), otherName, '2', parentBirth(19, 40, 46), true),
      parent(bsnAt(1), adultName(rng, background, '1'), familyName, '1', parentBirth(20, 45, 56), false),
    );
  } else if (u < 0.995) {
    // A guardian (voogd), e.g. a family member after the parents lost custody.
    const gender: Gender = rng.chance(0.7) ? '2' : '1';
    const name = pickFamilyName(rng, background);
    custodians.push({
      bsn: bsnAt(0),
      givenName: adultName(rng, background, gender),
      prefix: name.prefix,
      familyName: name.name,
      gender,
      // Age 25–65 on the reference date, independent of the children.
      birthDate: isoFromDays(ctx.refDays - Math.floor((25 + rng.next() * 40) * YEAR_DAYS)),
      hasCustody: true,
      relation: 'guardian',
    });
  }
  // else: no custodian registered (e.g. an unaccompanied minor awaiting a guardian).

  return { background, familyName, address, organisationUra: place.organisationUra, custodians };
}

function parent(
  bsn: string,
  givenName: string,
  name: FamilyName,
  gender: Gender,
  birthDate: string,
  hasCustody: boolean,
): GeneratedCustodian {
  return {
    bsn,
    givenName,
    prefix: name.prefix,
    familyName: name.name,
    gender,
    birthDate,
    hasCustody,
    relation: 'parent',
  };
}

function childGender(rng: Random): Gender {
  const u = rng.next();
  return u < 0.002 ? '3' : u < 0.513 ? '1' : '2';
}

function childName(rng: Random, bg: Background, gender: Gender): string {
  // Families of every background also choose Dutch or international names.
  const source = bg !== DUTCH_BACKGROUND && rng.chance(0.3) ? DUTCH_BACKGROUND : bg;
  const boy = gender === '1' || (gender === '3' && rng.chance(0.5));
  return rng.pick(boy ? source.boys : source.girls);
}

function generate(ctx: Context, index: number): GeneratedClient {
  const { rng, isClient, birthDays } = personBasics(ctx, index);
  const bsn = makeBsn(index);
  if (isClient) {
    const background = pickBackground(rng);
    const name = pickFamilyName(rng, background);
    const place = placeAt(rng.next());
    return {
      index,
      kind: 'client',
      bsn,
      givenName: adultName(rng, background, '2'),
      prefix: name.prefix,
      familyName: name.name,
      gender: '2',
      birthDate: isoFromDays(birthDays),
      address: makeAddress(rng, place),
      organisationUra: place.organisationUra,
      custodians: [],
      // Due within the coming 40 weeks.
      pregnancy: { dueDate: isoFromDays(ctx.refDays + 1 + rng.int(280)) },
    };
  }
  const { start, size } = householdOf(ctx, index);
  let household: Household;
  if (ctx.cached !== null && ctx.cached.start === start) {
    household = ctx.cached.household;
  } else {
    household = makeHousehold(ctx, start, size);
    ctx.cached = { start, household };
  }
  const gender = childGender(rng);
  return {
    index,
    kind: 'youth',
    bsn,
    givenName: childName(rng, household.background, gender),
    prefix: household.familyName.prefix,
    familyName: household.familyName.name,
    gender,
    birthDate: isoFromDays(birthDays),
    address: household.address,
    organisationUra: household.organisationUra,
    custodians: household.custodians,
    pregnancy: null,
  };
}

/** Streams `size` people, index 0 … size − 1. */
export function* generatePopulation(opts: PopulationOptions): Generator<GeneratedClient> {
  const ctx = contextFor(opts);
  for (let index = 0; index < opts.size; index++) yield generate(ctx, index);
}

/** The person generatePopulation would yield at `index` (for random access or parallel work). */
export function generatedPersonAt(opts: Omit<PopulationOptions, 'size'>, index: number): GeneratedClient {
  const ctx = contextFor({ ...opts, size: 0 });
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_POPULATION) {
    throw new RangeError(`index must be an integer in 0…${MAX_POPULATION - 1}: ${index}`);
  }
  return generate(ctx, index);
}
