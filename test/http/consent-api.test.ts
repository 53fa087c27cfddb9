import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import type { DossierSchema } from '../../src/dossier/schema.js';
import type { App } from '../../src/http/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { clientRow, ORG_A, seedTwoOrganisations, USER_A } from '../support/fixtures.js';
import { signIn } from '../support/session.js';

const TODAY = '2026-11-23';

async function person(
  db: Kysely<DossierSchema>,
  given: string,
  clientId: string,
  relation: 'parent' | 'guardian' | 'legal-representative',
  hasCustody: boolean,
) {
  const row = await db
    .insertInto('related_person')
    .values({
      organisation_ura: ORG_A.ura,
      bsn: null,
      given_name: given,
      name_prefix: null,
      family_name: 'Test',
      gender: '0',
      birth_date: '1980-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('client_relation')
    .values({ client_id: clientId, person_id: row.id, relation, has_custody: hasCustody })
    .execute();
  return row.id;
}

describe.each(BACKENDS)('consent API on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  let app: App;
  let auth: { cookie: string; 'x-csrf-token': string };
  let foreignClient: string;
  // Bram, 3: mother Anna and father Bert with custody, Carl a parent without custody.
  const bram = { id: '', anna: '', bert: '', carl: '' };
  // Lisa, 14: custodians Sandra and Pieter, and Vera as legal representative.
  const lisa = { id: '', sandra: '', pieter: '', vera: '' };
  // Noor turns 12 next month.
  let noor = '';

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    const { db } = test.database;
    const ids = await seedTwoOrganisations(db);
    foreignClient = ids.b[0]!;
    const rows = await db
      .insertInto('client')
      .values([
        clientRow(ORG_A.ura, 10, { given_name: 'Bram', birth_date: '2023-05-10' }),
        clientRow(ORG_A.ura, 11, { given_name: 'Lisa', birth_date: '2012-03-01' }),
        clientRow(ORG_A.ura, 12, { given_name: 'Noor', birth_date: '2014-12-20' }),
      ])
      .returning('id')
      .execute();
    bram.id = rows[0]!.id;
    lisa.id = rows[1]!.id;
    noor = rows[2]!.id;
    bram.anna = await person(db, 'Anna', bram.id, 'parent', true);
    bram.bert = await person(db, 'Bert', bram.id, 'parent', true);
    bram.carl = await person(db, 'Carl', bram.id, 'parent', false);
    lisa.sandra = await person(db, 'Sandra', lisa.id, 'parent', true);
    lisa.pieter = await person(db, 'Pieter', lisa.id, 'parent', true);
    lisa.vera = await person(db, 'Vera', lisa.id, 'legal-representative', false);
    await person(db, 'Ouder', noor, 'parent', true);
    app = await createDossierApp({ database: test.database, logLevel: 'silent', today: () => TODAY });
    auth = await signIn(app, USER_A);
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const get = (url: string) => app.inject({ url, headers: auth });
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth, payload });
  const recordCount = async () =>
    Number(
      (
        await test.database.db
          .selectFrom('consent_record')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('has no consent without records, and says why', async () => {
    const body = (await get(`/api/clients/${bram.id}/consent`)).json();
    expect(body.evaluation.decision).toBe('geen-toestemming');
    expect(body.evaluation.ageBand).toBe('under-12');
    expect(body.evaluation.path.length).toBeGreaterThan(0);
    expect(body.whoMayConsent.map((p: { name: string }) => p.name).sort()).toEqual([
      'Anna Test',
      'Bert Test',
    ]);
  });

  it('registers a yes (03), then a no from the same custodian ends the yes', async () => {
    const yes = await post(`/api/clients/${bram.id}/consent-records`, {
      agreed: true,
      sourcePersonId: bram.anna,
      source: '03',
      date: '2026-01-05',
      method: 'verbal',
    });
    expect(yes.statusCode).toBe(201);
    expect(yes.json().evaluation.decision).toBe('toestemming');
    // The path names people, never their internal ids.
    const path = JSON.stringify(yes.json().evaluation.path);
    expect(path).toContain('Anna Test');
    expect(path).not.toContain(bram.anna);
    expect(yes.json().record).toMatchObject({
      agreed: true,
      source: '03',
      endDate: null,
      registeredBy: { id: USER_A },
    });

    const no = await post(`/api/clients/${bram.id}/consent-records`, {
      agreed: false,
      sourcePersonId: bram.anna,
      source: '03',
      date: '2026-06-01',
      method: 'written',
    });
    expect(no.statusCode).toBe(201);
    expect(no.json().evaluation.decision).toBe('geen-toestemming');
    expect(no.json().ended).toEqual([yes.json().record.id]);

    const history = (await get(`/api/clients/${bram.id}/consent/history`)).json();
    expect(
      history.records.map((r: { agreed: boolean; endDate: string | null }) => [r.agreed, r.endDate]),
    ).toEqual([
      [true, '2026-06-01'],
      [false, null],
    ]);
    expect(history.transitions.map((t: { date: string; decision: string }) => [t.date, t.decision])).toEqual([
      ['2026-01-05', 'toestemming'],
      ['2026-06-01', 'geen-toestemming'],
    ]);
    const past = (await get(`/api/clients/${bram.id}/consent?on=2026-03-01`)).json();
    expect(past.evaluation.decision).toBe('toestemming');
  });

  it.each([
    [
      '01 from a child under 12',
      () => ({ sourcePersonId: 'self', source: '01', clientId: bram.id }),
      'body.source',
      'source-01-from-12',
    ],
    [
      '01 from a custodian',
      () => ({ sourcePersonId: lisa.sandra, source: '01', clientId: lisa.id }),
      'body.source',
      'source-01-only-from-client',
    ],
    [
      '03 from a parent without custody',
      () => ({ sourcePersonId: bram.carl, source: '03', clientId: bram.id }),
      'body.sourcePersonId',
      'source-03-04-only-from-custodian',
    ],
    [
      '05 for a competent youth',
      () => ({ sourcePersonId: lisa.vera, source: '05', clientId: lisa.id }),
      'body.source',
      'source-05-only-when-not-competent',
    ],
    [
      '05 from a custodian',
      () => ({ sourcePersonId: lisa.sandra, source: '05', clientId: lisa.id }),
      'body.sourcePersonId',
      'source-05-only-from-legal-representative',
    ],
    [
      'a future date',
      () => ({ sourcePersonId: bram.bert, source: '03', clientId: bram.id, date: '2026-11-24' }),
      'body.date',
      'no-future-date',
    ],
  ])('refuses %s, naming the field and the rule, and writes nothing', async (_name, make, field, rule) => {
    const { clientId, ...payload } = make();
    const before = await recordCount();
    const response = await post(`/api/clients/${clientId}/consent-records`, {
      agreed: true,
      date: '2026-02-01',
      ...payload,
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.json().errors).toContainEqual(expect.objectContaining({ field, rule }));
    expect(await recordCount()).toBe(before);
  });

  it('refuses a record without an explicit yes or no (nothing is pre-set), and impossible dates', async () => {
    const missing = await post(`/api/clients/${bram.id}/consent-records`, {
      sourcePersonId: bram.bert,
      source: '03',
      date: '2026-02-01',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toContainEqual(expect.objectContaining({ field: 'body.agreed' }));
    const impossible = await post(`/api/clients/${bram.id}/consent-records`, {
      agreed: true,
      sourcePersonId: bram.bert,
      source: '03',
      date: '2026-02-30',
    });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().errors).toContainEqual(expect.objectContaining({ field: 'body.date' }));
    const unknown = await post(`/api/clients/${bram.id}/consent-records`, {
      agreed: true,
      sourcePersonId: lisa.sandra,
      source: '03',
      date: '2026-02-01',
    });
    expect(unknown.json().errors).toContainEqual(expect.objectContaining({ rule: 'known-related-person' }));
  });

  it("refuses a record for another organisation's client as if it did not exist", async () => {
    const response = await post(`/api/clients/${foreignClient}/consent-records`, {
      agreed: true,
      sourcePersonId: 'self',
      source: '01',
      date: '2026-02-01',
    });
    expect(response.statusCode).toBe(404);
    expect((await get(`/api/clients/${foreignClient}/consent`)).statusCode).toBe(404);
  });

  it('12–15: custodians and youth together; a legal representative stands in for a youth judged not competent', async () => {
    await post(`/api/clients/${lisa.id}/consent-records`, {
      agreed: true,
      sourcePersonId: lisa.sandra,
      source: '03',
      date: '2026-03-01',
    });
    let body = (await get(`/api/clients/${lisa.id}/consent`)).json();
    expect(body.evaluation.decision).toBe('geen-toestemming'); // Lisa herself has not agreed
    const own = await post(`/api/clients/${lisa.id}/consent-records`, {
      agreed: true,
      sourcePersonId: 'self',
      source: '01',
      date: '2026-03-02',
    });
    expect(own.json().evaluation.decision).toBe('toestemming');

    const judged = await post(`/api/clients/${lisa.id}/competence-judgements`, {
      date: '2026-04-01',
      competent: false,
      explanation: 'Ernstige verstandelijke beperking',
    });
    expect(judged.statusCode).toBe(201);
    expect(judged.json().evaluation.decision).toBe('geen-toestemming'); // her own yes no longer stands
    body = (await get(`/api/clients/${lisa.id}/consent`)).json();
    expect(body.whoMayConsent.map((p: { name: string }) => p.name)).toContain('Vera Test');

    const representative = await post(`/api/clients/${lisa.id}/consent-records`, {
      agreed: true,
      sourcePersonId: lisa.vera,
      source: '05',
      date: '2026-04-02',
    });
    expect(representative.statusCode).toBe(201);
    expect(representative.json().evaluation.decision).toBe('toestemming');
  });

  it('warns when the child turns 12 within three months', async () => {
    const body = (await get(`/api/clients/${noor}/consent`)).json();
    expect(body.upcoming).toEqual([expect.objectContaining({ date: '2026-12-20', age: 12 })]);
    expect(body.upcoming[0].explanation).toMatch(/12 jaar/);
  });

  it('keeps consent evidence append-only and audits every read and write', async () => {
    await expect(
      test.database.db.updateTable('consent_record').set({ agreed: true }).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(test.database.db.deleteFrom('consent_record_end').execute()).rejects.toThrow(/append-only/);
    const actions = await test.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('subject_id', '=', bram.id)
      .execute();
    const kinds = new Set(actions.map((a) => a.action));
    expect(kinds).toEqual(new Set(['consent.read', 'consent.register', 'consent.history.read']));
  });
});
