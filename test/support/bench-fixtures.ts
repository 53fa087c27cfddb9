import type { Kysely } from 'kysely';
import { historyOf, type HistoryVisit } from '../../src/bench/generate.js';
import type { GeneratedClient } from '../../src/demo/generator.js';
import type { RegistryDose } from '../../src/registry/schedule-service.js';
import type { RegistrySchema } from '../../src/registry/schema.js';

/** A generated person's vaccination history (the bench generator's) as the registry's doses. */
export function historyDoses(
  person: GeneratedClient,
  seed: number,
  refDays: number,
): { visits: HistoryVisit[]; doses: RegistryDose[] } {
  const visits = historyOf(person, seed, refDays);
  const doses = visits.flatMap((v) =>
    v.vaccines.map((vaccineType) => ({
      id: `${v.activityId}${vaccineType}`,
      organisationUra: person.organisationUra,
      activityId: v.activityId,
      activityDate: v.date,
      vaccineType,
      date: v.date,
    })),
  );
  return { visits, doses };
}

/** Every invitation of a registry, one comparable line each, in a stable order. */
export async function invitationLines(db: Kysely<RegistrySchema>): Promise<string[]> {
  const rows = await db
    .selectFrom('invitation')
    .select(['person_id', 'vaccine_group', 'dose_number', 'due_date', 'description', 'kind'])
    .orderBy('person_id')
    .orderBy('vaccine_group')
    .orderBy('dose_number')
    .execute();
  return rows.map(
    (r) => `${r.person_id}|${r.vaccine_group}|${r.dose_number}|${r.due_date}|${r.description}|${r.kind}`,
  );
}
