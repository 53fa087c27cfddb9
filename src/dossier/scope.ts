import { sql, type Kysely, type Transaction } from 'kysely';
import type { DossierSchema } from './schema.js';

/**
 * A transaction in which the database itself confines every query to one organisation: it runs as the
 * role rvp_app with rvp.organisation_ura set, and row-level security (migration 005) hides other
 * organisations' rows even where a query forgets its filter.
 */
export async function inOrganisation<T>(
  db: Kysely<DossierSchema>,
  ura: string,
  work: (trx: Transaction<DossierSchema>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('rvp.organisation_ura', ${ura}, true)`.execute(trx);
    await sql`set local role rvp_app`.execute(trx);
    return work(trx);
  });
}
