import type { Kysely } from 'kysely';
import type { RegistrySchema } from '../../src/registry/schema.js';
import { testPasswordHash } from './session.js';

/** Utrecht, and one registry user per role: `medewerker`, `analist`, `gemeente` (officer of Utrecht). */
export async function seedRegistryStaff(db: Kysely<RegistrySchema>): Promise<void> {
  await db
    .insertInto('municipality')
    .values({ code: 'GM0344', name: 'Utrecht', province: 'Utrecht' })
    .execute();
  const password_hash = await testPasswordHash();
  await db
    .insertInto('staff_user')
    .values(
      (
        [
          ['medewerker', 'registry-staff', null],
          ['analist', 'registry-analyst', null],
          ['gemeente', 'municipality-officer', 'GM0344'],
        ] as const
      ).map(([id, role, municipality_code]) => ({
        id,
        name: id,
        role,
        organisation_name: 'RIVM-DVP',
        municipality_code,
        password_hash,
        locked_until: null,
      })),
    )
    .execute();
}
