import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { createBenchDatabase, type BenchBackend, type BenchDatabase } from '../../src/bench/databases.js';
import {
  historyOf,
  loadRegistryNation,
  type HistoryVisit,
  type NationOptions,
} from '../../src/bench/generate.js';
import type { Database } from '../../src/db/database.js';
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

/**
 * A registry database filled by the bench generator (COPY) for one describe block: made before its
 * tests, dropped after them. The handle's fields are set once `beforeAll` has run.
 */
export function generatedRegistry(
  backend: BenchBackend,
  nation: NationOptions,
): {
  bench: BenchDatabase;
  database: Database<RegistrySchema>;
  loaded: { persons: number; vaccinations: number };
} {
  const handle = {} as ReturnType<typeof generatedRegistry>;
  beforeAll(async () => {
    handle.bench = await createBenchDatabase(backend, 'registry');
    handle.loaded = await loadRegistryNation(handle.bench, nation);
    handle.database = await handle.bench.open<RegistrySchema>();
  }, 60_000);
  afterAll(async () => {
    await handle.database?.close();
    await handle.bench?.drop();
  });
  return handle;
}
