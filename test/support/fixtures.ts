import type { Insertable, Kysely } from 'kysely';
import type { DossierSchema } from '../../src/dossier/schema.js';
import { testPasswordHash } from './session.js';

/** Two organisations with one professional and a few clients each, for isolation tests. */
export const ORG_A = { ura: '10000001', name: 'GGD Testregio A' };
export const ORG_B = { ura: '10000002', name: 'GGD Testregio B' };
export const USER_A = 'a-verpleegkundige';
export const USER_B = 'b-verpleegkundige';
export const ADMIN_A = 'a-beheerder';

export function clientRow(
  ura: string,
  n: number,
  overrides: Partial<Insertable<DossierSchema['client']>> = {},
): Insertable<DossierSchema['client']> {
  return {
    organisation_ura: ura,
    kind: 'youth',
    dossier_number: `D${n}`,
    bsn: null,
    given_name: `Kind${n}`,
    name_prefix: null,
    family_name: `Familie${n}`,
    gender: '1',
    birth_date: '2015-06-01',
    street: 'Dorpsstraat',
    house_number: n,
    house_letter: null,
    house_number_addition: null,
    postcode: '3511 AB',
    city: 'Utrecht',
    municipality_code: 'GM0344',
    ...overrides,
  };
}

export async function seedTwoOrganisations(db: Kysely<DossierSchema>): Promise<{ a: string[]; b: string[] }> {
  await db.insertInto('organisation').values([ORG_A, ORG_B]).execute();
  const password_hash = await testPasswordHash();
  await db
    .insertInto('staff_user')
    .values([
      {
        id: USER_A,
        name: 'Anne (A)',
        organisation_ura: ORG_A.ura,
        role: 'jgz-professional',
        password_hash,
        locked_until: null,
      },
      {
        id: USER_B,
        name: 'Bas (B)',
        organisation_ura: ORG_B.ura,
        role: 'jgz-professional',
        password_hash,
        locked_until: null,
      },
      {
        id: ADMIN_A,
        name: 'Beheerder A',
        organisation_ura: ORG_A.ura,
        role: 'jgz-admin',
        password_hash,
        locked_until: null,
      },
    ])
    .execute();
  const a = await db
    .insertInto('client')
    .values([
      clientRow(ORG_A.ura, 1, { given_name: 'Daan', family_name: 'Jansen', bsn: '111222333' }),
      clientRow(ORG_A.ura, 2, { given_name: 'Emma', family_name: 'de Boer', bsn: '123456782' }),
      clientRow(ORG_A.ura, 3, { given_name: 'Sem', family_name: 'Bakker' }),
    ])
    .returning('id')
    .execute();
  const b = await db
    .insertInto('client')
    .values([clientRow(ORG_B.ura, 1, { given_name: 'Lotte', family_name: 'Jansen', bsn: '999888777' })])
    .returning('id')
    .execute();
  const parent = await db
    .insertInto('related_person')
    .values({
      organisation_ura: ORG_A.ura,
      bsn: null,
      given_name: 'Petra',
      name_prefix: null,
      family_name: 'Jansen',
      gender: '2',
      birth_date: '1985-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('client_relation')
    .values({ client_id: a[0]!.id, person_id: parent.id, relation: 'parent', has_custody: true })
    .execute();
  return { a: a.map((r) => r.id), b: b.map((r) => r.id) };
}
