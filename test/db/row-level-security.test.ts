import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOrganisation } from '../../src/dossier/scope.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { clientRow, ORG_A, ORG_B, seedTwoOrganisations } from '../support/fixtures.js';

describe.each(BACKENDS)('row-level security in the dossier on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  let ids: { a: string[]; b: string[] };
  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    ids = await seedTwoOrganisations(test.database.db);
    const { db } = test.database;
    for (const [ura, clientId] of [
      [ORG_A.ura, ids.a[0]!],
      [ORG_B.ura, ids.b[0]!],
    ] as const) {
      await db
        .insertInto('consent_record')
        .values({
          client_id: clientId,
          organisation_ura: ura,
          agreed: true,
          source_person_id: null,
          source: '01',
          consent_date: '2026-01-01',
          method: null,
          note: null,
          registered_by: 'test',
        })
        .execute();
      const activity = await db
        .insertInto('activity')
        .values({
          organisation_ura: ura,
          client_id: clientId,
          activity_id: `ACT${ura.slice(-1)}`,
          activity_type: '01',
          activity_date: '2026-01-02',
          origin_ura: ura,
          created_by: 'test',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('vaccination')
        .values({
          activity_pk: activity.id,
          vaccine_type: '11',
          vaccination_date: '2026-01-02',
          batch_number: 'B',
          performer: 'P',
          location: 'L',
          objection: null,
          recorded_by: 'test',
          changed_by: null,
          changed_at: null,
        })
        .execute();
    }
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('a query that forgets its organisation filter still sees only its own organisation', async () => {
    const seen = await inOrganisation(test.database.db, ORG_A.ura, async (trx) => ({
      clients: await trx.selectFrom('client').select('organisation_ura').execute(),
      consent: await trx.selectFrom('consent_record').select('organisation_ura').execute(),
      activities: await trx.selectFrom('activity').select('organisation_ura').execute(),
      vaccinations: await trx.selectFrom('vaccination').select('id').execute(),
      relations: await trx.selectFrom('client_relation').select('client_id').execute(),
      staff: await trx.selectFrom('staff_user').select('organisation_ura').execute(),
      byId: await trx.selectFrom('client').select('id').where('id', '=', ids.b[0]!).execute(),
    }));
    expect(new Set(seen.clients.map((c) => c.organisation_ura))).toEqual(new Set([ORG_A.ura]));
    expect(seen.clients).toHaveLength(ids.a.length);
    expect(seen.consent.map((c) => c.organisation_ura)).toEqual([ORG_A.ura]);
    expect(seen.activities.map((a) => a.organisation_ura)).toEqual([ORG_A.ura]);
    expect(seen.vaccinations).toHaveLength(1);
    expect(seen.relations.every((r) => ids.a.includes(r.client_id))).toBe(true);
    expect(new Set(seen.staff.map((s) => s.organisation_ura))).toEqual(new Set([ORG_A.ura]));
    expect(seen.byId).toEqual([]); // another organisation's child, by id: not there
  });

  it("cannot write into or change another organisation's dossiers", async () => {
    const { db } = test.database;
    await expect(
      inOrganisation(db, ORG_A.ura, (trx) =>
        trx.insertInto('client').values(clientRow(ORG_B.ura, 77)).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await inOrganisation(db, ORG_A.ura, (trx) =>
      trx.updateTable('client').set({ given_name: 'Gehackt' }).where('id', '=', ids.b[0]!).executeTakeFirst(),
    );
    expect(Number(changed.numUpdatedRows)).toBe(0);
    const name = await db
      .selectFrom('client')
      .select('given_name')
      .where('id', '=', ids.b[0]!)
      .executeTakeFirstOrThrow();
    expect(name.given_name).toBe('Lotte');
  });

  it('without an organisation the application role sees nothing at all', async () => {
    const rows = await test.database.db.transaction().execute(async (trx) => {
      await sql`set local role rvp_app`.execute(trx);
      return trx.selectFrom('client').select('id').execute();
    });
    expect(rows).toEqual([]);
  });
});
