/**
 * Citizen requests at the registry (R-R6) over HTTP on both backends: unlinking personal data (the
 * vaccinations become anonymous, status queries refused afterwards), the "no consent" notice that
 * blocks reminders, and the vaccination certificate under the age rules, as a PDF holding nothing
 * beyond what the requester may see. Staff only, audited, problem+json naming field and rule.
 */
import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeys, newSigningKey, signPayload, type SigningKey } from '../../src/exchange/signing.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { remindersBlocked, withCitizenTables } from '../../src/registry/citizen-requests.js';
import { registerCitizenRoutes } from '../../src/registry/citizen-routes.js';
import { CERTIFICATE_TITLE } from '../../src/registry/certificate-pdf.js';
import { withPopulationTables } from '../../src/registry/population-import.js';
import { answerStatusQuery, STATUS_QUERY_SCHEMA } from '../../src/registry/status-query.js';
import { seedRegistryStaff } from '../support/registry.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { signIn } from '../support/session.js';

const TODAY = '2025-11-20';
const URA = '10000001';
const OTHER_URA = '10000002';
// Persons: a child of 8, youths of 14 and 17; two custodians and a stranger.
const CHILD = { bsn: '557071501', born: '2017-02-10' };
const YOUTH14 = { bsn: '743595208', born: '2011-05-05' };
const YOUTH17 = { bsn: '643131000', born: '2008-01-01' };
const UNLINKER = { bsn: '209137204', born: '2016-06-06' };
const CUSTODIAN = '522093802';
const CUSTODIAN2 = '164920407';
const STRANGER = '745739908';

async function pdfText(
  bytes: Uint8Array,
): Promise<{ pages: number; title: string | undefined; text: string }> {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    let decoded: Uint8Array;
    try {
      decoded = decodePDFRawStream(object).decode();
    } catch {
      continue;
    }
    for (const m of Buffer.from(decoded)
      .toString('latin1')
      .matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      parts.push(Buffer.from(m[1]!, 'hex').toString('latin1'));
    }
  }
  return { pages: doc.getPageCount(), title: doc.getTitle(), text: parts.join('\n') };
}

describe.each(BACKENDS)('citizen requests (R-R6) on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let staff: Record<string, string>;
  let analyst: Record<string, string>;
  let officer: Record<string, string>;
  let key: SigningKey;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await seedRegistryStaff(db);
    const person = (bsn: string, born: string, given: string) => ({
      bsn,
      source: 'brp' as const,
      given_name: given,
      name_prefix: 'de',
      family_name: 'Vries',
      gender: '2' as const,
      birth_date: born,
      street: 'Geheimstraat',
      house_number: 7,
      house_letter: null,
      house_number_addition: null,
      postcode: '3511AB',
      city: 'Utrecht',
      municipality_code: 'GM0344',
    });
    const rows = await db
      .insertInto('person')
      .values([
        person(CHILD.bsn, CHILD.born, 'Noor'),
        person(YOUTH14.bsn, YOUTH14.born, 'Sem'),
        person(YOUTH17.bsn, YOUTH17.born, 'Lotte'),
        person(UNLINKER.bsn, UNLINKER.born, 'Daan'),
      ])
      .returning(['id', 'bsn'])
      .execute();
    for (const r of rows) ids[r.bsn] = r.id;
    await withPopulationTables(db)
      .insertInto('person_custodian')
      .values(
        [CHILD.bsn, YOUTH14.bsn, YOUTH17.bsn, UNLINKER.bsn].flatMap((bsn) => [
          { person_id: ids[bsn]!, custodian_bsn: CUSTODIAN },
          { person_id: ids[bsn]!, custodian_bsn: CUSTODIAN2 },
        ]),
      )
      .execute();
    const vaccination = (
      bsn: string,
      ura: string,
      activityId: string,
      vaccineType: string,
      date: string,
    ) => ({
      person_id: ids[bsn]!,
      organisation_ura: ura,
      activity_id: activityId,
      activity_type: '01',
      activity_date: date,
      version: 2,
      vaccine_type: vaccineType,
      vaccination_date: date,
      batch_number: `LOT-${activityId}`,
      performer: 'Verpleegkundige Geheim',
      location: 'Consultatiebureau Geheim',
      objection: null,
    });
    await db
      .insertInto('vaccination_event')
      .values([
        vaccination(CHILD.bsn, URA, 'CHILD00001', '11', '2017-04-10'),
        vaccination(CHILD.bsn, URA, 'CHILD00001', '08', '2017-04-10'),
        vaccination(CHILD.bsn, URA, 'CHILD00002', '04', '2018-02-12'),
        vaccination(UNLINKER.bsn, URA, 'UNLINK0001', '11', '2016-08-08'),
        vaccination(UNLINKER.bsn, URA, 'UNLINK0001', '08', '2016-08-08'),
        vaccination(UNLINKER.bsn, OTHER_URA, 'UNLINK0002', '04', '2017-06-10'),
      ])
      .execute();
    await db
      .insertInto('received_activity')
      .values(
        [
          [URA, 'CHILD00001'],
          [URA, 'CHILD00002'],
          [URA, 'UNLINK0001'],
          [OTHER_URA, 'UNLINK0002'],
        ].map(([organisation_ura, activity_id]) => ({
          organisation_ura: organisation_ura!,
          activity_id: activity_id!,
          version: 2,
          kind: 'personalised' as const,
        })),
      )
      .execute();
    await db
      .insertInto('consent_fact')
      .values([
        { person_id: ids[UNLINKER.bsn]!, organisation_ura: URA, consent_date: '2016-07-01' },
        { person_id: ids[UNLINKER.bsn]!, organisation_ura: OTHER_URA, consent_date: '2017-01-01' },
        { person_id: ids[CHILD.bsn]!, organisation_ura: URA, consent_date: '2017-03-01' },
      ])
      .execute();
    key = await newSigningKey(URA);
    app = await createRegistryApp({
      database: test.database,
      logLevel: 'silent',
      today: () => TODAY,
      trustedKeys: () => localKeys([key.publicJwk]),
    });
    // Until src/registry/app.ts registers these routes itself.
    if (!app.hasRoute({ method: 'POST', url: '/api/persons/:id/unlink' })) {
      registerCitizenRoutes(app, db, { today: () => TODAY });
    }
    staff = await signIn(app, 'medewerker');
    analyst = await signIn(app, 'analist');
    officer = await signIn(app, 'gemeente');
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const audit = (action: string, subject: string) =>
    test.database.db
      .selectFrom('audit_event')
      .select(['actor_id', 'request_id'])
      .where('action', '=', action)
      .where('subject_id', '=', subject)
      .execute();

  const certificate = (bsn: string, body: object, headers: Record<string, string> = staff) =>
    app.inject({ method: 'POST', url: `/api/persons/${ids[bsn]}/certificate`, headers, payload: body });

  const expectRefusal = (
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    status: number,
    field: string,
    rule: string,
  ) => {
    expect(response.statusCode).toBe(status);
    expect(String(response.headers['content-type'])).toMatch(/application\/problem\+json/);
    expect((response.json() as { errors: unknown[] }).errors).toContainEqual(
      expect.objectContaining({ field, rule }),
    );
  };

  it('publishes the routes in the OpenAPI description', async () => {
    const paths = Object.keys((await app.inject({ url: '/openapi.json' })).json().paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/persons/{id}/unlink',
        '/api/persons/{id}/no-consent-notice',
        '/api/persons/{id}/certificate',
        '/api/persons/{id}/citizen-requests',
        '/api/certificates/{verificationId}',
      ]),
    );
  });

  describe('access', () => {
    it('refuses anonymous callers, municipality officers, a missing CSRF token and unknown persons', async () => {
      const url = `/api/persons/${ids[UNLINKER.bsn]}/no-consent-notice`;
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url, headers: officer })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url, headers: { cookie: staff.cookie! } })).statusCode).toBe(
        403,
      );
      expect(
        (await app.inject({ url: `/api/persons/${ids[CHILD.bsn]}/citizen-requests`, headers: officer }))
          .statusCode,
      ).toBe(403);
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/persons/00000000-0000-4000-8000-000000000000/unlink',
        headers: staff,
      });
      expect(unknown.statusCode).toBe(404);
      const badId = await app.inject({
        method: 'POST',
        url: '/api/persons/not-a-uuid/unlink',
        headers: staff,
      });
      expect(badId.statusCode).toBe(400);
    });
  });

  describe('unlink personal data', () => {
    const query = async (bsn: string) =>
      answerStatusQuery(
        test.database.db,
        localKeys([key.publicJwk]),
        await signPayload(
          { schema: STATUS_QUERY_SCHEMA, organisationUra: URA, bsn, requestedAt: `${TODAY}T10:00:00Z` },
          key,
        ),
        { today: () => TODAY },
      );

    it('before: the status query answers', async () => {
      const answer = await query(UNLINKER.bsn);
      expect(answer.vaccinations).toHaveLength(3);
    });

    it('turns every vaccination anonymous, removes consent facts, keeps the person, in one request', async () => {
      const { db } = test.database;
      const personId = ids[UNLINKER.bsn]!;
      const before = await db
        .selectFrom('vaccination_event')
        .selectAll()
        .where('person_id', '=', personId)
        .orderBy('activity_id')
        .orderBy('vaccine_type')
        .execute();
      const response = await app.inject({
        method: 'POST',
        url: `/api/persons/${personId}/unlink`,
        headers: staff,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        personId,
        anonymisedVaccinations: 3,
        activities: 2,
        consentFactsRemoved: 2,
      });

      expect(
        await db.selectFrom('vaccination_event').select('id').where('person_id', '=', personId).execute(),
      ).toEqual([]);
      expect(
        await db
          .selectFrom('consent_fact')
          .select('organisation_ura')
          .where('person_id', '=', personId)
          .execute(),
      ).toEqual([]);
      const anonymous = await db
        .selectFrom('anonymous_vaccination')
        .selectAll()
        .where('activity_id', 'in', ['UNLINK0001', 'UNLINK0002'])
        .orderBy('activity_id')
        .orderBy('vaccine_type')
        .execute();
      expect(anonymous.map(({ id: _id, received_at: _r, ...rest }) => rest)).toEqual(
        before.map((v) => ({
          organisation_ura: v.organisation_ura,
          activity_id: v.activity_id,
          activity_type: v.activity_type,
          activity_date: v.activity_date,
          dossier_status: '01',
          version: v.version,
          vaccine_type: v.vaccine_type,
          vaccination_date: v.vaccination_date,
          batch_number: v.batch_number,
          performer: v.performer,
          location: v.location,
        })),
      );
      const activities = await db
        .selectFrom('received_activity')
        .select(['activity_id', 'kind', 'version'])
        .where('activity_id', 'in', ['UNLINK0001', 'UNLINK0002', 'CHILD00001'])
        .orderBy('activity_id')
        .execute();
      expect(activities).toEqual([
        { activity_id: 'CHILD00001', kind: 'personalised', version: 2 },
        { activity_id: 'UNLINK0001', kind: 'anonymous', version: 2 },
        { activity_id: 'UNLINK0002', kind: 'anonymous', version: 2 },
      ]);
      // The person stays (invitations need the BRP population); the unlink request is recorded.
      expect(
        await db.selectFrom('person').select('bsn').where('id', '=', personId).executeTakeFirst(),
      ).toEqual({
        bsn: UNLINKER.bsn,
      });
      const requests = await db
        .selectFrom('unlink_request')
        .selectAll()
        .where('person_id', '=', personId)
        .execute();
      expect(requests).toHaveLength(1);
      expect(requests[0]!.registered_by).toBe('medewerker');
      expect(await audit('person.unlink', personId)).toEqual([
        { actor_id: 'medewerker', request_id: response.headers['x-request-id'] },
      ]);
      // Other persons are untouched.
      expect(
        await db
          .selectFrom('vaccination_event')
          .select('id')
          .where('person_id', '=', ids[CHILD.bsn]!)
          .execute(),
      ).toHaveLength(3);
    });

    it('after: status queries are refused, a second unlink is refused, no certificate can be made', async () => {
      await expect(query(UNLINKER.bsn)).rejects.toMatchObject({ status: 403, slug: 'unlinked' });
      const again = await app.inject({
        method: 'POST',
        url: `/api/persons/${ids[UNLINKER.bsn]}/unlink`,
        headers: staff,
      });
      expectRefusal(again, 409, 'params.id', 'already-unlinked');
      const cert = await certificate(UNLINKER.bsn, { requester: 'custodian', requesterBsn: CUSTODIAN });
      expectRefusal(cert, 409, 'params.id', 'unlinked');
      const summary = await app.inject({
        url: `/api/persons/${ids[UNLINKER.bsn]}/citizen-requests`,
        headers: analyst,
      });
      expect(summary.json()).toMatchObject({
        unlinked: { registeredBy: 'medewerker' },
        noConsentNotice: null,
      });
    });
  });

  describe('"no consent" notice', () => {
    const url = () => `/api/persons/${ids[YOUTH14.bsn]}/no-consent-notice`;

    it('registers, blocks reminders, refuses a second, withdraws, and reminders resume', async () => {
      const { db } = test.database;
      const personId = ids[YOUTH14.bsn]!;
      expect(await remindersBlocked(db, personId)).toBe(false);
      const created = await app.inject({ method: 'POST', url: url(), headers: staff });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ personId, registeredBy: 'medewerker', withdrawnAt: null });
      expect(await remindersBlocked(db, personId)).toBe(true);
      expect(await remindersBlocked(db, ids[CHILD.bsn]!)).toBe(false);
      expectRefusal(
        await app.inject({ method: 'POST', url: url(), headers: analyst }),
        409,
        'params.id',
        'notice-exists',
      );

      const summary = await app.inject({ url: `/api/persons/${personId}/citizen-requests`, headers: staff });
      expect(summary.json()).toMatchObject({ unlinked: null, noConsentNotice: { id: created.json().id } });

      const withdrawn = await app.inject({ method: 'DELETE', url: url(), headers: analyst });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect(withdrawn.json()).toMatchObject({ id: created.json().id, withdrawnBy: 'analist' });
      expect(await remindersBlocked(db, personId)).toBe(false);
      expectRefusal(
        await app.inject({ method: 'DELETE', url: url(), headers: staff }),
        409,
        'params.id',
        'no-active-notice',
      );

      // A new notice after a withdrawal is fine; history is kept.
      expect((await app.inject({ method: 'POST', url: url(), headers: staff })).statusCode).toBe(201);
      const history = await withCitizenTables(db)
        .selectFrom('no_consent_notice')
        .select(['registered_by', 'withdrawn_by'])
        .where('person_id', '=', personId)
        .orderBy('registered_at')
        .execute();
      expect(history).toEqual([
        { registered_by: 'medewerker', withdrawn_by: 'analist' },
        { registered_by: 'medewerker', withdrawn_by: null },
      ]);
      expect(await remindersBlocked(db, personId)).toBe(true);
      expect(await audit('person.no-consent-notice.register', personId)).toHaveLength(2);
      expect(await audit('person.no-consent-notice.withdraw', personId)).toHaveLength(1);
    });
  });

  describe('vaccination certificate', () => {
    it('a custodian gets the certificate of a child under 12 as a PDF with only the permitted content', async () => {
      const response = await certificate(CHILD.bsn, { requester: 'custodian', requesterBsn: CUSTODIAN2 });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-certificate-rule']).toBe('custodian-under-12');
      const verificationId = String(response.headers['x-verification-id']);
      const { pages, title, text } = await pdfText(response.rawPayload);
      expect(pages).toBe(1);
      expect(title).toBe(CERTIFICATE_TITLE);
      for (const expected of [
        'Noor de Vries',
        '10 februari 2017',
        'DKTP-Hib-HepB',
        'Pneumokokken',
        'BMR',
        'LOT-CHILD00001',
        '12 februari 2018',
        '20 november 2025',
        verificationId,
      ]) {
        expect(text).toContain(expected);
      }
      // Nothing beyond what the requester may see: no BSNs, address, performer, location or organisation.
      const raw = Buffer.from(response.rawPayload).toString('latin1');
      for (const secret of [CHILD.bsn, CUSTODIAN, CUSTODIAN2, 'Geheimstraat', '3511', 'Geheim', URA]) {
        expect(text).not.toContain(secret);
        expect(raw).not.toContain(secret);
      }
      // Recorded and verifiable; audited.
      const verified = await app.inject({ url: `/api/certificates/${verificationId}`, headers: staff });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json()).toMatchObject({
        verificationId,
        personId: ids[CHILD.bsn],
        issuedOn: TODAY,
        requester: 'custodian',
        vaccinations: 3,
      });
      expect(await audit('person.certificate.issue', ids[CHILD.bsn]!)).toHaveLength(1);
      expect(
        (await app.inject({ url: '/api/certificates/RVP-0000-0000-0000', headers: staff })).statusCode,
      ).toBe(404);
    });

    it.each([
      [
        'the child itself under 12',
        CHILD.bsn,
        { requester: 'self', requesterBsn: CHILD.bsn },
        'body.requester',
        'under-12-custodian-only',
      ],
      [
        'a stranger for a child',
        CHILD.bsn,
        { requester: 'custodian', requesterBsn: STRANGER },
        'body.requesterBsn',
        'not-a-custodian',
      ],
      [
        'a custodian of a 14-year-old without consent',
        YOUTH14.bsn,
        { requester: 'custodian', requesterBsn: CUSTODIAN },
        'body.youthConsent',
        'youth-consent-required',
      ],
      [
        'a custodian of a 17-year-old',
        YOUTH17.bsn,
        { requester: 'custodian', requesterBsn: CUSTODIAN, youthConsent: true },
        'body.requester',
        '16-plus-self-only',
      ],
      [
        'a 17-year-old with another BSN',
        YOUTH17.bsn,
        { requester: 'self', requesterBsn: CUSTODIAN },
        'body.requesterBsn',
        'requester-not-person',
      ],
    ])('refuses %s (422, field and rule), audited', async (_label, bsn, body, field, rule) => {
      const before = (await audit('person.certificate.refused', ids[bsn]!)).length;
      const response = await certificate(bsn, body);
      expectRefusal(response, 422, field, rule);
      expect(await audit('person.certificate.refused', ids[bsn]!)).toHaveLength(before + 1);
    });

    it.each([
      ['a 14-year-old', YOUTH14.bsn, { requester: 'self', requesterBsn: YOUTH14.bsn }, 'self-12-15'],
      [
        'a custodian of a 14-year-old with consent',
        YOUTH14.bsn,
        { requester: 'custodian', requesterBsn: CUSTODIAN, youthConsent: true },
        'custodian-12-15-with-consent',
      ],
      ['a 17-year-old', YOUTH17.bsn, { requester: 'self', requesterBsn: YOUTH17.bsn }, 'self-16-plus'],
    ])('issues to %s', async (_label, bsn, body, rule) => {
      const response = await certificate(bsn, body);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['x-certificate-rule']).toBe(rule);
      const { text } = await pdfText(response.rawPayload);
      expect(text).toContain('Er zijn geen vaccinaties geregistreerd.');
    });

    it('validates the body: BSN 11-check, requester, no extra fields', async () => {
      expectRefusal(
        await certificate(CHILD.bsn, { requester: 'custodian', requesterBsn: '123456789' }),
        400,
        'body.requesterBsn',
        'custom',
      );
      expectRefusal(
        await certificate(CHILD.bsn, { requester: 'buurman', requesterBsn: CUSTODIAN }),
        400,
        'body.requester',
        'invalid_value',
      );
      const extra = await certificate(CHILD.bsn, {
        requester: 'custodian',
        requesterBsn: CUSTODIAN,
        bsn: CHILD.bsn,
      });
      expect(extra.statusCode).toBe(400);
    });

    it('lists the certificates issued in the summary', async () => {
      const summary = await app.inject({
        url: `/api/persons/${ids[YOUTH14.bsn]}/citizen-requests`,
        headers: staff,
      });
      expect(summary.statusCode, summary.body).toBe(200);
      expect(
        summary
          .json()
          .certificates.map((c: { requester: string }) => c.requester)
          .sort(),
      ).toEqual(['custodian', 'self']);
    });
  });
});
