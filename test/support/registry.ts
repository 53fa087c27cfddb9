import { sql, type Kysely } from 'kysely';
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

/** A vaccination location of an organisation in Utrecht (GM0344), with one fridge (supply, issue 10). */
export async function seedSupplyFridge(
  db: Kysely<RegistrySchema>,
  fridge: { organisationUra: string; locationId: string; locationName: string; fridgeId: string },
): Promise<void> {
  // The supply tables are typed in src/supply, not in RegistrySchema.
  await db
    .insertInto('supply_location' as never)
    .values({
      id: fridge.locationId,
      organisation_ura: fridge.organisationUra,
      name: fridge.locationName,
      municipality_code: 'GM0344',
    } as never)
    .execute();
  await db
    .insertInto('supply_fridge' as never)
    .values({ id: fridge.fridgeId, location_id: fridge.locationId, name: 'Koelkast 1' } as never)
    .execute();
}

/**
 * `coverage_dose_month` summed per key (its triggers append signed counts, registry migration 019)
 * and the same counts grouped from the vaccination tables themselves: equal when the triggers kept it.
 */
export async function doseMonthCounts(
  db: Kysely<RegistrySchema>,
): Promise<{ maintained: string[]; fromScratch: string[] }> {
  const maintained = await sql<{ row: string }>`select concat_ws('|', organisation_ura, vaccine_type,
      month, sum(personalised), sum(anonymous)) as row
    from coverage_dose_month group by organisation_ura, vaccine_type, month
    having sum(personalised) <> 0 or sum(anonymous) <> 0`.execute(db);
  const fromScratch = await sql<{ row: string }>`select concat_ws('|', organisation_ura, vaccine_type,
      month, sum(personalised), sum(anonymous)) as row
    from (select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date as month,
            1 as personalised, 0 as anonymous from vaccination_event
          union all
          select organisation_ura, vaccine_type, date_trunc('month', vaccination_date)::date, 0, 1
          from anonymous_vaccination) d
    group by organisation_ura, vaccine_type, month`.execute(db);
  return {
    maintained: maintained.rows.map((r) => r.row).sort(),
    fromScratch: fromScratch.rows.map((r) => r.row).sort(),
  };
}
