import { sql } from 'kysely';
import { daysFromCivil, isoFromDays, parseIsoDate } from '../demo/generator-dates.js';
import { generatePopulation, type GeneratedClient } from '../demo/generator.js';
import { hashSeed, Random } from '../demo/generator-random.js';
import { organisationForMunicipality, organisations } from '../demo/organisations.js';
import { municipalities } from '../domain/geo/municipalities.js';
import type { DossierSchema } from '../dossier/schema.js';
import type { RegistrySchema } from '../registry/schema.js';
import { copyLine, type BenchDatabase } from './databases.js';

/**
 * The demo generator's big-data mode: the same deterministic population (src/demo/generator.ts),
 * streamed with COPY straight into a registry (persons and their vaccination history) or a dossier
 * (clients, custodians, consent records). Nothing is kept per person, so any size streams in flat
 * memory; ids are derived from (seed, index) so separate passes agree on them without a lookup.
 */
export interface NationOptions {
  size: number;
  seed: number;
  referenceDate: string;
}

const SALT_PERSON_ID = 0x7065_7231;
const SALT_CLIENT_ID = 0x636c_6931;
const SALT_RELATED_ID = 0x7265_6c31;
const SALT_HISTORY = 0x6869_7331;
const SALT_CONSENT = 0x636f_6e31;

/** A random-looking but reproducible UUID (v4 layout) for (seed, index, salt). */
export function uuidAt(seed: number, index: number, salt: number): string {
  const h = (k: number) =>
    hashSeed(seed ^ k, index, salt)
      .toString(16)
      .padStart(8, '0');
  const a = h(1);
  const b = h(2);
  const c = h(3);
  const d = h(4);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

export const personIdAt = (seed: number, index: number): string => uuidAt(seed, index, SALT_PERSON_ID);
export const clientIdAt = (seed: number, index: number): string => uuidAt(seed, index, SALT_CLIENT_ID);

// The RVP as given in practice (W0422 code, age in days at the visit): infant series, toddler,
// preschool, 9-year and adolescent doses. Rotavirus only for the cohorts born from 2024.
const VISITS: ReadonlyArray<{ ageDays: number; vaccines: readonly string[]; bornFrom?: string }> = [
  { ageDays: 61, vaccines: ['11', '08'] },
  { ageDays: 63, vaccines: ['29'], bornFrom: '2024-01-01' },
  { ageDays: 91, vaccines: ['11'] },
  { ageDays: 95, vaccines: ['29'], bornFrom: '2024-01-01' },
  { ageDays: 152, vaccines: ['11', '08'] },
  { ageDays: 335, vaccines: ['11', '08'] },
  { ageDays: 426, vaccines: ['04', '28'] },
  { ageDays: 1461, vaccines: ['27'] },
  { ageDays: 3287, vaccines: ['02', '04'] },
  { ageDays: 3652, vaccines: ['09'] },
  { ageDays: 3835, vaccines: ['09'] },
  { ageDays: 5113, vaccines: ['28'] },
];

export interface HistoryVisit {
  /** Activity id (BDS 1377): unique per organisation, 10 alphanumerics. */
  activityId: string;
  date: string;
  vaccines: string[];
}

/** The vaccination history of a youth up to the reference date: ~93 % of visits happen, a few weeks late at most. */
export function historyOf(person: GeneratedClient, seed: number, refDays: number): HistoryVisit[] {
  if (person.kind !== 'youth') return [];
  const rng = new Random(hashSeed(seed, person.index, SALT_HISTORY));
  const birth = parseIsoDate(person.birthDate)!.days;
  const visits: HistoryVisit[] = [];
  VISITS.forEach((visit, n) => {
    if (visit.bornFrom !== undefined && person.birthDate < visit.bornFrom) return;
    const skip = rng.chance(0.07);
    const day = birth + visit.ageDays + rng.int(21);
    if (skip || day > refDays) return;
    visits.push({
      activityId: `${person.index.toString(36).padStart(8, '0')}${n.toString(36).padStart(2, '0')}`,
      date: isoFromDays(day),
      vaccines: [...visit.vaccines],
    });
  });
  return visits;
}

function refDaysOf(referenceDate: string): number {
  const ref = parseIsoDate(referenceDate);
  if (ref === null) throw new RangeError(`referenceDate must be YYYY-MM-DD: ${referenceDate}`);
  return ref.days;
}

const PERSON_COLUMNS = [
  'id',
  'bsn',
  'source',
  'given_name',
  'name_prefix',
  'family_name',
  'gender',
  'birth_date',
  'street',
  'house_number',
  'house_letter',
  'house_number_addition',
  'postcode',
  'city',
  'municipality_code',
] as const;

export const VACCINATION_COLUMNS = [
  'id',
  'person_id',
  'organisation_ura',
  'activity_id',
  'activity_type',
  'activity_date',
  'version',
  'vaccine_type',
  'vaccination_date',
  'batch_number',
  'performer',
  'location',
  'objection',
] as const;

/** Reference data both services need: municipalities with their organisation, organisations. */
export async function loadRegistryReference(bench: BenchDatabase): Promise<void> {
  const database = await bench.open<RegistrySchema>();
  try {
    await database.db
      .insertInto('municipality')
      .values(
        municipalities.map((m) => ({
          code: m.code,
          name: m.name,
          province: m.province,
          organisation_ura: organisationForMunicipality(m.code)?.ura ?? null,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
    await database.db
      .insertInto('organisation')
      .values(organisations.map((o) => ({ ura: o.ura, name: o.name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  } finally {
    await database.close();
  }
}

/**
 * VACUUM ANALYZE after a bulk load, as an operator would: statistics for the planner, and the
 * visibility map set, so autovacuum does not start on millions of fresh rows in the middle of a
 * measurement. One statement per table: VACUUM cannot run in a multi-statement string.
 */
async function vacuumAnalyze(bench: BenchDatabase, tables: string[]): Promise<void> {
  for (const table of tables) await bench.exec(`vacuum (analyze) ${table}`);
}

/**
 * Version of what loadRegistryNation writes, recorded on a kept registry. 2: the history's activities
 * are in received_activity.
 */
export const REGISTRY_GENERATOR = 2;

/**
 * Registry: every generated person (BRP) and, for youth, their vaccination history as personalised
 * `vaccination_event` rows, each of its activities received once (`received_activity`, version 1).
 * Returns the row counts.
 */
export async function loadRegistryNation(
  bench: BenchDatabase,
  options: NationOptions,
  onProgress?: (what: string, rows: number) => void,
): Promise<{ persons: number; vaccinations: number }> {
  await loadRegistryReference(bench);
  const refDays = refDaysOf(options.referenceDate);
  const population = () => generatePopulation(options);
  const persons = await bench.copy('person', PERSON_COLUMNS, personLines(population(), options.seed));
  onProgress?.('person', persons);
  const vaccinations = await bench.copy(
    'vaccination_event',
    VACCINATION_COLUMNS,
    vaccinationLines(population(), options.seed, refDays),
  );
  onProgress?.('vaccination_event', vaccinations);
  // A registry has taken in every activity it holds, and the intake reads this table for each message
  // (duplicate, stale, repair): without these rows its index would be a day's size, not a nation's.
  // In key order, so the primary key grows at its right edge instead of splitting pages at random.
  await bench.exec(`set work_mem = '256MB';
    insert into received_activity (organisation_ura, activity_id, version, kind, received_at)
      select organisation_ura, activity_id, 1, 'personalised', min(activity_date)::timestamptz
      from vaccination_event group by organisation_ura, activity_id order by organisation_ura, activity_id;
    reset work_mem`);
  await vacuumAnalyze(bench, ['person', 'vaccination_event', 'received_activity']);
  return { persons, vaccinations };
}

function* personLines(population: Iterable<GeneratedClient>, seed: number): Generator<string> {
  for (const p of population) {
    const a = p.address;
    yield copyLine([
      personIdAt(seed, p.index),
      p.bsn,
      'brp',
      p.givenName,
      p.prefix,
      p.familyName,
      p.gender,
      p.birthDate,
      a.street,
      a.houseNumber,
      a.houseLetter,
      a.houseNumberAddition,
      a.postcode,
      a.city,
      a.municipalityCode,
    ]);
  }
}

function* vaccinationLines(
  population: Iterable<GeneratedClient>,
  seed: number,
  refDays: number,
): Generator<string> {
  let n = 0;
  for (const p of population) {
    const personId = personIdAt(seed, p.index);
    for (const visit of historyOf(p, seed, refDays)) {
      for (const vaccine of visit.vaccines) {
        yield copyLine([
          uuidAt(seed, n++, SALT_HISTORY),
          personId,
          p.organisationUra,
          visit.activityId,
          '01',
          visit.date,
          1,
          vaccine,
          visit.date,
          `B${vaccine}${visit.date.slice(0, 4)}`,
          'Jeugdverpleegkundige',
          'Consultatiebureau',
          null,
        ]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dossier: clients with custodians and a consent history (as the demo loader writes them).

const CLIENT_COLUMNS = [
  'id',
  'organisation_ura',
  'kind',
  'dossier_number',
  'bsn',
  'given_name',
  'name_prefix',
  'family_name',
  'gender',
  'birth_date',
  'street',
  'house_number',
  'house_letter',
  'house_number_addition',
  'postcode',
  'city',
  'municipality_code',
] as const;
const RELATED_COLUMNS = [
  'id',
  'organisation_ura',
  'bsn',
  'given_name',
  'name_prefix',
  'family_name',
  'gender',
  'birth_date',
] as const;
const RELATION_COLUMNS = ['client_id', 'person_id', 'relation', 'has_custody'] as const;
const CONSENT_COLUMNS = [
  'client_id',
  'organisation_ura',
  'agreed',
  'source_person_id',
  'source',
  'consent_date',
  'method',
  'registered_by',
] as const;
const JUDGEMENT_COLUMNS = [
  'client_id',
  'organisation_ura',
  'judged_on',
  'competent',
  'explanation',
  'registered_by',
] as const;

export async function loadDossierNation(
  bench: BenchDatabase,
  options: NationOptions,
  onProgress?: (what: string, rows: number) => void,
): Promise<{ clients: number; consentRecords: number }> {
  const database = await bench.open<DossierSchema>();
  try {
    await database.db
      .insertInto('organisation')
      .values(organisations.map((o) => ({ ura: o.ura, name: o.name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  } finally {
    await database.close();
  }
  const refDays = refDaysOf(options.referenceDate);
  const population = () => generatePopulation(options);
  const seed = options.seed;
  const relatedId = (p: GeneratedClient, k: number) => uuidAt(seed, p.index * 2 + k, SALT_RELATED_ID);

  const clients = await bench.copy(
    'client',
    CLIENT_COLUMNS,
    (function* () {
      for (const p of population()) {
        const a = p.address;
        yield copyLine([
          clientIdAt(seed, p.index),
          p.organisationUra,
          p.kind,
          String(p.index + 1).padStart(9, '0'),
          p.bsn,
          p.givenName,
          p.prefix,
          p.familyName,
          p.gender,
          p.birthDate,
          a.street,
          a.houseNumber,
          a.houseLetter,
          a.houseNumberAddition,
          a.postcode,
          a.city,
          a.municipalityCode,
        ]);
      }
    })(),
  );
  onProgress?.('client', clients);
  await bench.copy(
    'related_person',
    RELATED_COLUMNS,
    (function* () {
      for (const p of population()) {
        for (const [k, c] of p.custodians.entries()) {
          yield copyLine([
            relatedId(p, k),
            p.organisationUra,
            c.bsn,
            c.givenName,
            c.prefix,
            c.familyName,
            c.gender,
            c.birthDate,
          ]);
        }
      }
    })(),
  );
  await bench.copy(
    'client_relation',
    RELATION_COLUMNS,
    (function* () {
      for (const p of population()) {
        for (const [k, c] of p.custodians.entries()) {
          yield copyLine([clientIdAt(seed, p.index), relatedId(p, k), c.relation, c.hasCustody]);
        }
      }
    })(),
  );
  const consentRecords = await bench.copy(
    'consent_record',
    CONSENT_COLUMNS,
    (function* () {
      for (const p of population()) {
        for (const r of consentOf(p, seed, refDays)) {
          yield copyLine([
            clientIdAt(seed, p.index),
            p.organisationUra,
            r.agreed,
            r.by === null ? null : relatedId(p, r.by),
            r.source,
            r.date,
            'written',
            'bench',
          ]);
        }
      }
    })(),
  );
  onProgress?.('consent_record', consentRecords);
  await bench.copy(
    'competence_judgement',
    JUDGEMENT_COLUMNS,
    (function* () {
      for (const p of population()) {
        const j = judgementOf(p, seed, refDays);
        if (j) {
          yield copyLine([
            clientIdAt(seed, p.index),
            p.organisationUra,
            j.date,
            j.competent,
            'bench',
            'bench',
          ]);
        }
      }
    })(),
  );
  await vacuumAnalyze(bench, [
    'client',
    'related_person',
    'client_relation',
    'consent_record',
    'competence_judgement',
  ]);
  return { clients, consentRecords };
}

interface GeneratedConsent {
  agreed: boolean;
  /** Index of the custodian in the household, or null for the youth/client themself (01). */
  by: number | null;
  source: '01' | '03' | '04';
  date: string;
}

/** Most custodians agree after birth (03, some 04 needing the other), most 12+ agree themselves, some say no. */
function consentOf(p: GeneratedClient, seed: number, refDays: number): GeneratedConsent[] {
  const rng = new Random(hashSeed(seed, p.index, SALT_CONSENT));
  const birth = parseIsoDate(p.birthDate)!.days;
  const clamp = (day: number) => isoFromDays(Math.min(day, refDays));
  const out: GeneratedConsent[] = [];
  if (p.kind === 'client') {
    if (rng.chance(0.6)) out.push({ agreed: true, by: null, source: '01', date: clamp(birth + 7300) });
    return out;
  }
  const custodians = p.custodians.flatMap((c, k) => (c.hasCustody ? [k] : []));
  const roll = rng.next();
  if (custodians.length > 0 && roll < 0.62) {
    const source = rng.chance(0.85) ? '03' : '04';
    out.push({ agreed: roll < 0.55, by: custodians[0]!, source, date: clamp(birth + 60) });
    if (source === '04' && custodians.length > 1 && rng.chance(0.7)) {
      out.push({ agreed: true, by: custodians[1]!, source: '04', date: clamp(birth + 75) });
    }
  }
  const twelfth = daysFromCivil(Number(p.birthDate.slice(0, 4)) + 12, Number(p.birthDate.slice(5, 7)), 1);
  if (rng.chance(0.45) && twelfth + 30 <= refDays) {
    out.push({ agreed: rng.chance(0.9), by: null, source: '01', date: isoFromDays(twelfth + 30) });
  }
  return out;
}

function judgementOf(
  p: GeneratedClient,
  seed: number,
  refDays: number,
): { date: string; competent: boolean } | null {
  const rng = new Random(hashSeed(seed, p.index, SALT_CONSENT + 1));
  if (p.kind !== 'youth' || !rng.chance(0.01)) return null;
  const birth = parseIsoDate(p.birthDate)!.days;
  const day = birth + 12 * 365 + rng.int(2000);
  return day <= refDays ? { date: isoFromDays(day), competent: rng.chance(0.5) } : null;
}

/** Row count of a table (for reports). */
export async function countRows(
  database: { db: import('kysely').Kysely<unknown> },
  table: string,
): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
    database.db,
  );
  return result.rows[0]?.n ?? 0;
}

/** The consent input (decision tree) of a generated person, as the dossier would build it from the rows above. */
export function consentInputOf(
  p: GeneratedClient,
  seed: number,
  refDays: number,
): import('../domain/consent/types.js').ConsentInput {
  const judgement = judgementOf(p, seed, refDays);
  return {
    youth: { birthDate: p.birthDate },
    custodians: p.custodians.flatMap((c, k) => (c.hasCustody ? [`c${k}`] : [])),
    competence: judgement ? [judgement] : [],
    records: consentOf(p, seed, refDays).map((r) => ({
      agreed: r.agreed,
      by: r.by === null ? 'youth' : `c${r.by}`,
      source: r.source,
      date: r.date,
      endDate: null,
    })),
  };
}

export { refDaysOf };
