/**
 * The dossier's portal endpoints (issue 11): a citizen, identified by the BSN in the portal's service
 * token, registers consent through the same rules and transitions as a professional, and sees only the
 * consent part the age rules allow.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import { custodyClientsQuery, ownClientsQuery } from '../../src/dossier/portal.js';
import type { DossierSchema } from '../../src/dossier/schema.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import type { App } from '../../src/http/app.js';
import { createPortalApp } from '../../src/portal/app.js';
import { signServiceToken } from '../../src/portal/service-token.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { clientRow, ORG_A, seedTwoOrganisations, USER_A } from '../support/fixtures.js';
import { signIn } from '../support/session.js';

const TODAY = '2026-11-23';
const SECRET = 'test-portal-service-secret-0123456789';
const bsn = (n: number) => makeBsn(900_000 + n);

async function custodian(db: Kysely<DossierSchema>, clientId: string, personBsn: string, hasCustody = true) {
  const row = await db
    .insertInto('related_person')
    .values({
      organisation_ura: ORG_A.ura,
      bsn: personBsn,
      given_name: `Ouder${personBsn.slice(6)}`,
      name_prefix: null,
      family_name: 'Test',
      gender: '2',
      birth_date: '1985-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('client_relation')
    .values({ client_id: clientId, person_id: row.id, relation: 'parent', has_custody: hasCustody })
    .execute();
  return row.id;
}

describe.each(BACKENDS)('portal consent endpoints on %s', (backend) => {
  let test: TestDatabase<'dossier'>;
  let app: App;
  let staff: { cookie: string; 'x-csrf-token': string };
  // Daan, 8, one custodian (Mira). Eva, 5, two custodians (Mira and Joris). Sam, 14, and Lot, 17, each
  // with custodian Joris; Sam and Lot have their own BSN. Pim, 10, has a BSN too.
  const c = { daan: '', eva: '', sam: '', lot: '', pim: '' };
  const MIRA = bsn(1);
  const JORIS = bsn(2);
  const SAM = bsn(3);
  const PIM = bsn(4);
  const STRANGER = bsn(5);

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'dossier');
    const { db } = test.database;
    await seedTwoOrganisations(db);
    const rows = await db
      .insertInto('client')
      .values([
        clientRow(ORG_A.ura, 20, { given_name: 'Daan', birth_date: '2018-03-01' }),
        clientRow(ORG_A.ura, 21, { given_name: 'Eva', birth_date: '2021-05-01' }),
        clientRow(ORG_A.ura, 22, { given_name: 'Sam', birth_date: '2012-01-15', bsn: SAM }),
        clientRow(ORG_A.ura, 23, { given_name: 'Lot', birth_date: '2009-06-01', bsn: bsn(6) }),
        clientRow(ORG_A.ura, 24, { given_name: 'Pim', birth_date: '2016-02-02', bsn: PIM }),
      ])
      .returning('id')
      .execute();
    [c.daan, c.eva, c.sam, c.lot, c.pim] = rows.map((r) => r.id) as [string, string, string, string, string];
    await custodian(db, c.daan, MIRA);
    await custodian(db, c.eva, MIRA);
    await custodian(db, c.eva, JORIS);
    await custodian(db, c.sam, JORIS);
    await custodian(db, c.lot, JORIS);
    app = await createDossierApp({
      database: test.database,
      logLevel: 'silent',
      today: () => TODAY,
      portalServiceSecret: () => SECRET,
    });
    staff = await signIn(app, USER_A);
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const as = async (citizen: string) => ({
    authorization: `Bearer ${await signServiceToken(SECRET, 'open-rvp-dossier', citizen)}`,
  });
  const portalGet = async (citizen: string, url: string) => app.inject({ url, headers: await as(citizen) });
  const portalPost = async (citizen: string, url: string, agreed: boolean) =>
    app.inject({ method: 'POST', url, headers: await as(citizen), payload: { agreed } });
  const professional = async (clientId: string) =>
    (await app.inject({ url: `/api/clients/${clientId}/consent`, headers: staff })).json();

  it("finds a citizen's subjects across organisations through the BSN indexes (migration dossier/010)", async () => {
    // A handful of rows would always be scanned; with sequential scans off the plan shows whether an
    // index can serve the lookup at all (on a national dossier the planner then prefers it by cost).
    const plans = await test.database.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      try {
        const explain = async (query: { compile(): CompiledQuery }) => {
          const compiled = query.compile();
          const result = await conn.executeQuery<Record<string, string>>(
            CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
          );
          return result.rows.map((r) => Object.values(r).join(' ')).join('\n');
        };
        return {
          own: await explain(ownClientsQuery(conn, SAM)),
          custody: await explain(custodyClientsQuery(conn, JORIS)),
        };
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
      }
    });
    expect(plans.own).toContain('client_bsn');
    expect(plans.custody).toContain('related_person_bsn');
    // And the lookups find what they should.
    expect(await ownClientsQuery(test.database.db, SAM).execute()).toHaveLength(1);
    expect(await custodyClientsQuery(test.database.db, JORIS).execute()).toHaveLength(3);
  });

  it('refuses requests without a valid service token for the dossier', async () => {
    expect((await app.inject({ url: '/api/portal/subjects' })).statusCode).toBe(401);
    const registryToken = await signServiceToken(SECRET, 'open-rvp-registry', MIRA);
    const wrongAudience = await app.inject({
      url: '/api/portal/subjects',
      headers: { authorization: `Bearer ${registryToken}` },
    });
    expect(wrongAudience.statusCode).toBe(401);
    expect(wrongAudience.json().errors[0].rule).toBe('portal-service-token');
    const forged = await signServiceToken('another-secret-another-secret-000', 'open-rvp-dossier', MIRA);
    expect(
      (await app.inject({ url: '/api/portal/subjects', headers: { authorization: `Bearer ${forged}` } }))
        .statusCode,
    ).toBe(401);
  });

  it('lists the children in custody, and the youth of 12+ themself', async () => {
    const mira = (await portalGet(MIRA, '/api/portal/subjects')).json().items;
    expect(mira.map((s: { name: string; capacity: string }) => `${s.name}:${s.capacity}`).sort()).toEqual([
      'Daan Familie20:custodian',
      'Eva Familie21:custodian',
    ]);
    const sam = (await portalGet(SAM, '/api/portal/subjects')).json().items;
    expect(sam).toMatchObject([{ clientId: c.sam, capacity: 'self', age: 14, mayRegister: true }]);
    const joris = (await portalGet(JORIS, '/api/portal/subjects')).json().items;
    expect(joris.find((s: { clientId: string }) => s.clientId === c.lot)).toMatchObject({
      mayRegister: false,
    });
    expect((await portalGet(STRANGER, '/api/portal/subjects')).json().items).toEqual([]);
    expect((await portalGet(STRANGER, `/api/portal/clients/${c.daan}/consent`)).statusCode).toBe(404);
  });

  it('a sole custodian gives consent and withdraws it; the dossier decision follows', async () => {
    expect((await professional(c.daan)).evaluation.decision).toBe('geen-toestemming');
    const yes = await portalPost(MIRA, `/api/portal/clients/${c.daan}/consent`, true);
    expect(yes.statusCode, yes.body).toBe(201);
    expect(yes.json()).toMatchObject({
      own: { agreed: true, source: '03', date: TODAY },
      decision: 'toestemming',
    });
    const afterYes = await professional(c.daan);
    expect(afterYes.evaluation.decision).toBe('toestemming');
    expect(afterYes.records.at(-1)).toMatchObject({ method: 'portal', registeredBy: { id: 'portal' } });

    const no = await portalPost(MIRA, `/api/portal/clients/${c.daan}/consent`, false);
    expect(no.json()).toMatchObject({ own: { agreed: false }, decision: 'geen-toestemming' });
    const afterNo = await professional(c.daan);
    expect(afterNo.evaluation.decision).toBe('geen-toestemming');
    // The withdrawal ended the yes (history kept), attributed to the portal in the audit trail.
    const ends = await test.database.db.selectFrom('consent_record_end').selectAll().execute();
    expect(ends.map((e) => e.record_id)).toContain(afterYes.records.at(-1).id);
    const audit = await test.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('actor_id', '=', 'portal')
      .where('subject_id', '=', c.daan)
      .execute();
    expect(audit.filter((a) => a.action === 'consent.register')).toHaveLength(2);
  });

  it('with two custodians a portal yes needs the other custodian too (source 04)', async () => {
    const mira = await portalPost(MIRA, `/api/portal/clients/${c.eva}/consent`, true);
    expect(mira.json()).toMatchObject({ own: { source: '04' }, decision: 'geen-toestemming' });
    const joris = await portalPost(JORIS, `/api/portal/clients/${c.eva}/consent`, true);
    expect(joris.json()).toMatchObject({ decision: 'toestemming' });
    expect(joris.json().others).toMatchObject([{ agreed: true }]);
    expect((await professional(c.eva)).evaluation.decision).toBe('toestemming');
  });

  it('12–15: youth and custodian each count; the custodian sees only their own choice', async () => {
    await portalPost(JORIS, `/api/portal/clients/${c.sam}/consent`, true);
    const view = (await portalGet(JORIS, `/api/portal/clients/${c.sam}/consent`)).json();
    expect(view).toMatchObject({ own: { agreed: true }, decision: null, others: [] });
    expect((await professional(c.sam)).evaluation.decision).toBe('geen-toestemming');
    const youth = await portalPost(SAM, `/api/portal/clients/${c.sam}/consent`, true);
    expect(youth.json()).toMatchObject({ own: { source: '01' }, decision: 'toestemming' });
    expect((await professional(c.sam)).evaluation.decision).toBe('toestemming');
    // What Sam chose stays hidden from the custodian.
    expect((await portalGet(JORIS, `/api/portal/clients/${c.sam}/consent`)).json()).toMatchObject({
      decision: null,
      others: [],
    });
  });

  it('a portal yes that makes consent queues the same-day repairs a professional’s would (R-C5)', async () => {
    const { db } = test.database;
    const fien = await db
      .insertInto('client')
      .values(clientRow(ORG_A.ura, 25, { given_name: 'Fien', birth_date: '2021-09-09' }))
      .returning('id')
      .executeTakeFirstOrThrow();
    const FIEN_MOTHER = bsn(7);
    await custodian(db, fien.id, FIEN_MOTHER);
    // A vaccination this organisation already sent anonymously (no consent at the time).
    const activity = await db
      .insertInto('activity')
      .values({
        organisation_ura: ORG_A.ura,
        client_id: fien.id,
        activity_id: 'PORTAL0001',
        activity_type: '01',
        activity_date: '2026-10-01',
        origin_ura: ORG_A.ura,
        created_by: USER_A,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('outbox_message')
      .values({
        organisation_ura: ORG_A.ura,
        activity_pk: activity.id,
        version: 1,
        reason: 'new',
        urgency: 'nightly',
        released: true,
        state: 'sent',
        sent_kind: 'anonymous',
        sent_at: new Date('2026-10-02T02:00:00Z'),
        last_error: null,
        registry_outcome: 'accepted',
        registry_reason: null,
        validity_feedback: null,
      })
      .execute();
    const yes = await portalPost(FIEN_MOTHER, `/api/portal/clients/${fien.id}/consent`, true);
    expect(yes.json()).toMatchObject({ decision: 'toestemming', repairsQueued: 1 });
    const repairs = await db
      .selectFrom('outbox_message')
      .select(['reason', 'urgency'])
      .where('activity_pk', '=', activity.id)
      .where('reason', '=', 'repair')
      .execute();
    expect(repairs).toEqual([{ reason: 'repair', urgency: 'immediate' }]);
  });

  it('refuses a custodian from 16 and a youth under 12, naming the rule, and writes nothing', async () => {
    const before = await test.database.db.selectFrom('consent_record').select('id').execute();
    const lot = await portalPost(JORIS, `/api/portal/clients/${c.lot}/consent`, true);
    expect(lot.statusCode).toBe(422);
    expect(lot.json().errors[0].rule).toBe('custodian-consent-until-16');
    expect((await portalGet(JORIS, `/api/portal/clients/${c.lot}/consent`)).json()).toMatchObject({
      own: null,
      decision: null,
    });
    const pim = await portalPost(PIM, `/api/portal/clients/${c.pim}/consent`, true);
    expect(pim.statusCode).toBe(422);
    expect(pim.json().errors[0].rule).toBe('source-01-from-12');
    expect(await test.database.db.selectFrom('consent_record').select('id').execute()).toHaveLength(
      before.length,
    );
  });
});

describe('portal errors and API description', () => {
  let portal: Awaited<ReturnType<typeof createPortalApp>>;
  const limit = process.env.RVP_PORTAL_RATE_LIMIT_PER_MINUTE;

  beforeAll(async () => {
    process.env.RVP_PORTAL_RATE_LIMIT_PER_MINUTE = '5';
    // No request here reaches the provider or the services: the addresses only need to parse.
    portal = await createPortalApp({
      oidc: { issuer: () => 'http://127.0.0.1:9/', clientId: 'portal', clientSecret: 'x', allowHttp: true },
      publicUrl: () => 'http://127.0.0.1:9',
      dossierUrl: () => 'http://127.0.0.1:9',
      registryUrl: () => 'http://127.0.0.1:9',
      serviceSecret: SECRET,
      logLevel: 'silent',
    });
  });
  afterAll(async () => {
    if (limit === undefined) delete process.env.RVP_PORTAL_RATE_LIMIT_PER_MINUTE;
    else process.env.RVP_PORTAL_RATE_LIMIT_PER_MINUTE = limit;
    await portal?.close();
  });

  it('answers unknown routes, missing sign-in and the rate limit as RFC 9457 problem+json', async () => {
    const missing = await portal.inject({ url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 404, title: 'Niet gevonden' });

    const anonymous = await portal.inject({ url: '/api/subjects' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().type).toMatch(/unauthenticated$/);

    const docs = await portal.inject({ url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toContain('/api/subjects/{id}/consent');

    // Three requests went before; the limit is five a minute per address.
    const statuses: number[] = [];
    let last = missing;
    for (let i = 0; i < 4; i++) {
      last = await portal.inject({ url: '/health' });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(last.headers['content-type']).toContain('application/problem+json');
    expect(last.json()).toMatchObject({ status: 429, title: 'Te veel verzoeken' });
    expect(last.json().type).toMatch(/rate-limit$/);
    expect(last.json().detail).toMatch(/Probeer het over \d+ seconden opnieuw/);
  });
});
