import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, isEmpty, loadDemoData } from '../../src/demo/load.js';
import { organisationForMunicipality } from '../../src/demo/organisations.js';
import { isValidBsn } from '../../src/domain/identifiers/index.js';
import { checkPassword } from '../../src/http/passwords.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(BACKENDS)('demo data on %s', (backend) => {
  let dossier: TestDatabase<'dossier'>;
  let registry: TestDatabase<'registry'>;
  let result: { clients: number; relatedPersons: number };

  beforeAll(async () => {
    dossier = await createTestDatabase(backend, 'dossier');
    registry = await createTestDatabase(backend, 'registry');
    expect(await isEmpty(dossier.database)).toBe(true);
    result = await loadDemoData(dossier.database, registry.database, {
      size: 600,
      seed: 7,
      referenceDate: '2026-11-23',
      batchSize: 128,
    });
  });
  afterAll(async () => {
    await dossier?.drop();
    await registry?.drop();
  });

  it('writes every generated client to a dossier and, as a BRP person, to the registry', async () => {
    expect(result.clients).toBe(600);
    expect(await isEmpty(dossier.database)).toBe(false);
    const clients = await dossier.database.db
      .selectFrom('client')
      .select(['bsn', 'organisation_ura', 'municipality_code'])
      .execute();
    const persons = await registry.database.db.selectFrom('person').select('bsn').execute();
    // The generated 600, plus one youth without a BSN (R-V6 demo: a COA resident).
    const withBsn = clients.filter((c) => c.bsn !== null);
    expect(withBsn).toHaveLength(600);
    expect(clients).toHaveLength(601);
    // The BRP holds everybody; the registry also has persons without a dossier (coverage demo cohorts).
    const personBsns = new Set<string | null>(persons.map((p) => p.bsn));
    expect(withBsn.filter((c) => !personBsns.has(c.bsn))).toEqual([]);
    expect(persons.length).toBeGreaterThan(600);
    for (const c of withBsn) {
      expect(isValidBsn(c.bsn!)).toBe(true);
      // Each client's dossier is at the organisation that serves their municipality.
      expect(organisationForMunicipality(c.municipality_code!)?.ura).toBe(c.organisation_ura);
    }
    const municipalities = await registry.database.db.selectFrom('municipality').select('code').execute();
    expect(municipalities).toHaveLength(342);
  });

  it('lets every demo user of both services sign in with the demo password, and no other', async () => {
    for (const database of [dossier.database, registry.database]) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- both services' staff_user tables
      const db = database.db as any;
      const users = (await db.selectFrom('staff_user').select(['id', 'password_hash']).execute()) as Array<{
        id: string;
        password_hash: string;
      }>;
      expect(users.length).toBeGreaterThanOrEqual(3);
      // One sign-in per distinct hash (argon2id is slow on purpose); every user has one of them.
      const checked = new Set<string>();
      for (const user of users) {
        expect(user.password_hash).toMatch(/^\$argon2id\$/);
        if (checked.has(user.password_hash)) continue;
        checked.add(user.password_hash);
        expect(await checkPassword(db, user.id, `${DEMO_PASSWORD}x`)).toBe('invalid');
        expect(await checkPassword(db, user.id, DEMO_PASSWORD)).toBe('ok');
      }
    }
  });

  it('records custodians, with some parents without custody', async () => {
    const relations = await dossier.database.db
      .selectFrom('client_relation')
      .select(['has_custody'])
      .execute();
    expect(relations.length).toBe(result.relatedPersons);
    expect(relations.some((r) => r.has_custody)).toBe(true);
    expect(relations.some((r) => !r.has_custody)).toBe(true);
  });

  it('gives the demo both yes and no consent records, each by a custodian or the client', async () => {
    const records = await dossier.database.db
      .selectFrom('consent_record as c')
      .leftJoin('client_relation as r', (join) =>
        join.onRef('r.client_id', '=', 'c.client_id').onRef('r.person_id', '=', 'c.source_person_id'),
      )
      .select(['c.agreed', 'c.source', 'c.source_person_id', 'r.has_custody'])
      .execute();
    expect(records.some((r) => r.agreed)).toBe(true);
    expect(records.some((r) => !r.agreed)).toBe(true);
    for (const r of records) {
      if (r.source === '01') expect(r.source_person_id).toBeNull();
      else expect(r.has_custody).toBe(true);
    }
  });

  // The intake replaces stored rows only for a repair, which it knows by the activity's received
  // version (issue 8): so every stored vaccination, the demo's too, must have its received activity.
  it('gives every stored vaccination its received activity', async () => {
    const db = registry.database.db;
    const counts = await sql<{ personal: number; anonymous: number; orphans: number }>`select
      (select count(*)::int from vaccination_event) as personal,
      (select count(*)::int from anonymous_vaccination) as anonymous,
      (select count(*)::int from (
        select organisation_ura, activity_id from vaccination_event
        union select organisation_ura, activity_id from anonymous_vaccination) v
        where not exists (select 1 from received_activity r
          where r.organisation_ura = v.organisation_ura and r.activity_id = v.activity_id)) as orphans`.execute(
      db,
    );
    expect(counts.rows[0]!.personal).toBeGreaterThan(100);
    expect(counts.rows[0]!.anonymous).toBeGreaterThan(10);
    expect(counts.rows[0]!.orphans).toBe(0);
  });
});

// Registry migration 021 gives vaccinations stored without their received activity (the supply demo's,
// before it wrote both) one, at their highest version, once.
describe.each(BACKENDS)('received activities of older rows on %s', (backend) => {
  it('migration 021 adds what is missing and leaves what is there', async () => {
    const registry = await createTestDatabase(backend, 'registry');
    try {
      const db = registry.database.db;
      const person = await sql<{ id: string }>`insert into person
          (bsn, source, given_name, family_name, gender, birth_date)
        values ('111222333', 'brp', 'An', 'Ouder', '2', date '2024-01-10') returning id`.execute(db);
      const columns = sql`organisation_ura, activity_id, activity_type, activity_date, version, vaccine_type,
        vaccination_date, batch_number, performer, location`;
      const values = (activityId: string, version: number) =>
        sql`'90000101', ${activityId}, '01', date '2025-03-01', ${version}, '11', date '2025-03-01', 'B', 'P', 'L'`;
      await sql`insert into vaccination_event (person_id, ${columns})
        values (${person.rows[0]!.id}::uuid, ${values('OLD1', 1)}), (${person.rows[0]!.id}::uuid, ${values('OLD1', 2)}),
               (${person.rows[0]!.id}::uuid, ${values('KEPT', 1)})`.execute(db);
      await sql`insert into anonymous_vaccination (dossier_status, ${columns})
        values ('A', ${values('OLD2', 3)})`.execute(db);
      await sql`insert into received_activity (organisation_ura, activity_id, version, kind)
        values ('90000101', 'KEPT', 7, 'personalised')`.execute(db);

      const script = await readFile(
        new URL('../../migrations/registry/021_received_activity_complete.sql', import.meta.url),
        'utf8',
      );
      await registry.database.exec(script);
      await registry.database.exec(script);

      const received = await sql<{ activity_id: string; version: number; kind: string }>`
        select activity_id, version, kind from received_activity order by activity_id`.execute(db);
      expect(received.rows).toEqual([
        { activity_id: 'KEPT', version: 7, kind: 'personalised' },
        { activity_id: 'OLD1', version: 2, kind: 'personalised' },
        { activity_id: 'OLD2', version: 3, kind: 'anonymous' },
      ]);
    } finally {
      await registry.drop();
    }
  });
});
