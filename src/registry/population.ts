import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../db/audit.js';
import type { Actor } from '../http/session.js';
import type { RegistrySchema } from './schema.js';

export interface MunicipalityPopulation {
  code: string;
  name: string;
  persons: number;
  youth: number;
}

/** Living, resident persons per municipality, and how many of them are under 18 on `today`. */
export async function populationByMunicipality(
  db: Kysely<RegistrySchema>,
  input: { today: string; actor: Actor; requestId: string; only?: string | undefined },
): Promise<{
  items: MunicipalityPopulation[];
  totals: { persons: number; youth: number; municipalities: number };
}> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('municipality as m')
      .leftJoin('person as p', (join) =>
        join
          .onRef('p.municipality_code', '=', 'm.code')
          .on('p.deceased_on', 'is', null)
          .on('p.emigrated_on', 'is', null),
      )
      .select((eb) => [
        'm.code',
        'm.name',
        eb.fn.count<number>('p.id').as('persons'),
        sql<number>`count(p.id) filter (where p.birth_date > ${input.today}::date - interval '18 years')`.as(
          'youth',
        ),
      ])
      .groupBy(['m.code', 'm.name'])
      .orderBy('m.name');
    if (input.only !== undefined) query = query.where('m.code', '=', input.only);
    const rows = await query.execute();
    await appendAudit(trx, {
      actorId: input.actor.userId,
      organisationUra: input.actor.organisation.ura,
      action: 'population.aggregate',
      subjectType: 'municipality',
      subjectId: input.only ?? null,
      requestId: input.requestId,
    });
    const items = rows.map((r) => ({
      code: r.code,
      name: r.name,
      persons: Number(r.persons),
      youth: Number(r.youth),
    }));
    return {
      items,
      totals: {
        persons: items.reduce((sum, r) => sum + r.persons, 0),
        youth: items.reduce((sum, r) => sum + r.youth, 0),
        municipalities: items.length,
      },
    };
  });
}
