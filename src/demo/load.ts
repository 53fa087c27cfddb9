import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database } from '../db/database.js';
import { hashPassword } from '../http/passwords.js';
import type { DossierSchema } from '../dossier/schema.js';
import { addDays, nthBirthday } from '../domain/dates/index.js';
import { municipalities } from '../domain/geo/municipalities.js';
import type { RegistrySchema } from '../registry/schema.js';
import { seedDemoSupplyAndCoverage } from '../supply/demo.js'; // issue 10
import { loadIssue12Demo } from '../dossier/registration-form-demo.js'; // issue 12
import { seedDemoSessions } from './sessions.js'; // issue 9
import { generatePopulation, type GeneratedClient } from './generator.js';
import { organisationForMunicipality, organisations } from './organisations.js';

export interface DemoDataOptions {
  size: number;
  seed: number;
  /** The date ages are computed against; the demo uses today. */
  referenceDate: string;
  batchSize?: number;
  /** Password of every demo user (default RVP_DEMO_PASSWORD or "demo"). */
  password?: string;
  onProgress?: (done: number, total: number) => void;
}

export const DEMO_PASSWORD = process.env.RVP_DEMO_PASSWORD ?? 'demo';

/** Staff the demo sign-in offers; the first organisations get a full team. */
const DEMO_TEAM = [
  { suffix: 'verpleegkundige', role: 'jgz-professional', name: 'Sanne de Vries (jeugdverpleegkundige)' },
  { suffix: 'arts', role: 'jgz-professional', name: 'Youssef El Amrani (jeugdarts)' },
  { suffix: 'planner', role: 'jgz-planner', name: 'Ingrid Bakker (planner)' },
  { suffix: 'beheerder', role: 'jgz-admin', name: 'Tom Jansen (beheerder)' },
] as const;

const REGISTRY_TEAM: Array<Insertable<RegistrySchema['staff_user']>> = [
  {
    id: 'rivm-medewerker',
    name: 'Fatma Yilmaz (RIVM-DVP regio)',
    role: 'registry-staff',
    organisation_name: 'RIVM-DVP',
  },
  {
    id: 'rivm-analist',
    name: 'Joost van Dijk (analist)',
    role: 'registry-analyst',
    organisation_name: 'RIVM-DVP',
  },
  {
    id: 'gemeente-utrecht',
    name: 'Marloes Visser (beleidsmedewerker)',
    role: 'municipality-officer',
    organisation_name: 'Gemeente Utrecht',
    municipality_code: 'GM0344',
  },
];

/** True when the dossier has no organisations yet (a fresh installation). */
export async function isEmpty(dossier: Database<DossierSchema>): Promise<boolean> {
  const row = await dossier.db
    .selectFrom('organisation')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

/**
 * Writes a synthetic population: reference data and staff to both services, each youth or client
 * to the dossier of the organisation of their municipality and, as a BRP person, to the registry.
 * Streams in batches, each batch one transaction per database, so memory stays flat at any size.
 */
export async function loadDemoData(
  dossier: Database<DossierSchema>,
  registry: Database<RegistrySchema>,
  options: DemoDataOptions,
): Promise<{ clients: number; relatedPersons: number }> {
  const batchSize = options.batchSize ?? 400;
  // Every demo user has the same password (README), so one salted hash serves them all: a salt per
  // user would protect nothing, as whoever learns one demo password knows them all. Argon2id is
  // slow on purpose; one by one, the 15 hashes took ≈ 4 s of the first `npm start` (issue 8).
  const passwordHash = await hashPassword(options.password ?? DEMO_PASSWORD);
  const registryTeam = REGISTRY_TEAM.map((member) => ({ ...member, password_hash: passwordHash }));
  await dossier.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organisation')
      .values(organisations.map((o) => ({ ura: o.ura, name: o.name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    const staff = organisations.slice(0, 3).flatMap((o) =>
      DEMO_TEAM.map((member) => ({
        id: `${o.ura}-${member.suffix}`,
        name: member.name,
        organisation_ura: o.ura,
        role: member.role,
        password_hash: passwordHash,
      })),
    );
    await trx
      .insertInto('staff_user')
      .values(staff)
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
  await registry.db.transaction().execute(async (trx) => {
    await trx
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
    await trx
      .insertInto('organisation')
      .values(organisations.map((o) => ({ ura: o.ura, name: o.name })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('staff_user')
      .values(registryTeam)
      .onConflict((oc) => oc.doNothing())
      .execute();
  });

  let clients = 0;
  let relatedPersons = 0;
  let batch: GeneratedClient[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    relatedPersons += await writeDossierBatch(dossier, batch, options.referenceDate);
    await writeRegistryBatch(registry, batch);
    clients += batch.length;
    batch = [];
    options.onProgress?.(clients, options.size);
  };
  for (const person of generatePopulation({
    seed: options.seed,
    size: options.size,
    referenceDate: options.referenceDate,
  })) {
    batch.push(person);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  await seedDemoSupplyAndCoverage(registry.db, options.referenceDate); // issue 10: vaccinations, stock, budgets
  await seedDemoSessions(dossier, options.referenceDate); // issue 9: custodians' phones, an HPV session
  await loadIssue12Demo(dossier, registry, options.referenceDate); // issue 12: youth without BSN, a transfer offer
  return { clients, relatedPersons };
}

async function writeDossierBatch(
  dossier: Database<DossierSchema>,
  batch: GeneratedClient[],
  referenceDate: string,
): Promise<number> {
  const clientRows: Array<Insertable<DossierSchema['client']>> = [];
  const consentRows: Array<Insertable<DossierSchema['consent_record']>> = [];
  const personRows: Array<Insertable<DossierSchema['related_person']>> = [];
  const relationRows: Array<Insertable<DossierSchema['client_relation']>> = [];
  for (const p of batch) {
    const id = randomUUID();
    clientRows.push({
      id,
      organisation_ura: p.organisationUra,
      kind: p.kind,
      dossier_number: String(p.index + 1).padStart(9, '0'),
      bsn: p.bsn,
      given_name: p.givenName,
      name_prefix: p.prefix,
      family_name: p.familyName,
      gender: p.gender,
      birth_date: p.birthDate,
      street: p.address.street,
      house_number: p.address.houseNumber,
      house_letter: p.address.houseLetter,
      house_number_addition: p.address.houseNumberAddition,
      postcode: p.address.postcode,
      city: p.address.city,
      municipality_code: p.address.municipalityCode,
    });
    const custodianIds: string[] = [];
    for (const c of p.custodians) {
      const personId = randomUUID();
      if (c.hasCustody) custodianIds.push(personId);
      personRows.push({
        id: personId,
        organisation_ura: p.organisationUra,
        bsn: c.bsn,
        given_name: c.givenName,
        name_prefix: c.prefix,
        family_name: c.familyName,
        gender: c.gender,
        birth_date: c.birthDate,
      });
      relationRows.push({
        client_id: id,
        person_id: personId,
        relation: c.relation,
        has_custody: c.hasCustody,
      });
    }
    consentRows.push(...demoConsent(p, id, custodianIds, referenceDate));
  }
  await dossier.db.transaction().execute(async (trx) => {
    await trx.insertInto('client').values(clientRows).execute();
    if (personRows.length > 0) {
      await trx.insertInto('related_person').values(personRows).execute();
      await trx.insertInto('client_relation').values(relationRows).execute();
    }
    if (consentRows.length > 0) await trx.insertInto('consent_record').values(consentRows).execute();
  });
  return personRows.length;
}

async function writeRegistryBatch(
  registry: Database<RegistrySchema>,
  batch: GeneratedClient[],
): Promise<void> {
  await registry.db
    .insertInto('person')
    .values(
      batch.map((p) => ({
        bsn: p.bsn,
        source: 'brp' as const,
        given_name: p.givenName,
        name_prefix: p.prefix,
        family_name: p.familyName,
        gender: p.gender,
        birth_date: p.birthDate,
        street: p.address.street,
        house_number: p.address.houseNumber,
        house_letter: p.address.houseLetter,
        house_number_addition: p.address.houseNumberAddition,
        postcode: p.address.postcode,
        city: p.address.city,
        municipality_code: p.address.municipalityCode,
      })),
    )
    .onConflict((oc) => oc.column('bsn').doNothing())
    .execute();
}

/**
 * Some consent history so the demo shows every outcome: most custodians agreed (03) after birth,
 * most youth of 12+ agreed themselves after their 12th birthday, a few custodians said no, and
 * some never answered. Deterministic per person (by index), registered by the demo loader.
 */
function demoConsent(
  p: GeneratedClient,
  clientId: string,
  custodianIds: string[],
  referenceDate: string,
): Array<Insertable<DossierSchema['consent_record']>> {
  const roll = (p.index * 2_654_435_761) % 100;
  const base = { client_id: clientId, organisation_ura: p.organisationUra, registered_by: 'demo-data' };
  const notAfterToday = (date: string) => (date > referenceDate ? referenceDate : date);
  const rows: Array<Insertable<DossierSchema['consent_record']>> = [];
  if (p.kind === 'client') {
    if (roll < 60) {
      rows.push({
        ...base,
        agreed: true,
        source_person_id: null,
        source: '01',
        consent_date: notAfterToday(addDays(p.birthDate, 365 * 20)),
        method: 'written',
      });
    }
    return rows;
  }
  const custodian = custodianIds[0];
  if (custodian && roll < 62) {
    rows.push({
      ...base,
      agreed: roll < 55,
      source_person_id: custodian,
      source: '03',
      consent_date: notAfterToday(addDays(p.birthDate, 60)),
      method: roll % 2 === 0 ? 'written' : 'verbal',
    });
  }
  const twelfth = nthBirthday(p.birthDate, 12);
  if (roll < 45 && twelfth <= referenceDate) {
    rows.push({
      ...base,
      agreed: true,
      source_person_id: null,
      source: '01',
      consent_date: notAfterToday(addDays(twelfth, 30)),
      method: 'portal',
    });
  }
  return rows;
}
