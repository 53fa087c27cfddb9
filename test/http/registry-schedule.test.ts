/**
 * The registry's dose validity and forecast (R-R3) over HTTP on both backends: the staff API, the
 * status query (R-V7) and the FHIR operation $immds-forecast, whose resources independent FHIR R4
 * validators check (test/domain/fhir-validators.ts).
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { localKeys, newSigningKey, signPayload, type SigningKey } from '../../src/exchange/signing.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { FHIR_SYSTEMS, type Parameters } from '../../src/registry/fhir-forecast.js';
import { personScheduleSchema } from '../../src/registry/schedule-routes.js';
import {
  answerStatusQuery,
  STATUS_QUERY_SCHEMA,
  statusQueryResponseSchema,
} from '../../src/registry/status-query.js';
import { FHIR_VALIDATORS, MISSING_VALIDATOR } from '../domain/fhir-validators.js';
import { seedRegistryStaff } from '../support/registry.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { signIn } from '../support/session.js';

const URA = '10000001';
const TODAY = '2025-11-20';
const BORN = '2025-01-15';
const [CHILD_BSN, OTHER_BSN, UNKNOWN_BSN] = [1, 2, 3].map((n) => makeBsn(8_100_000 + n)) as [
  string,
  string,
  string,
];

/** DKTP-Hib-HepB at 3 weeks (too young), 2, 3 and 5 months; Pneu at 2 months; maternal flu (no antigen). */
const DOSES: [activityId: string, vaccineType: string, date: string][] = [
  ['ACT0000001', '11', '2025-02-05'],
  ['ACT0000002', '08', '2025-03-17'],
  ['ACT0000002', '11', '2025-03-17'],
  ['ACT0000003', '11', '2025-04-15'],
  ['ACT0000004', '11', '2025-06-16'],
  ['ACT0000005', '30', '2025-06-20'],
];

interface ScheduleBody {
  person: { id: string; birthDate: string };
  assessmentDate: string;
  maternalPertussis: string;
  doses: {
    activityId: string;
    vaccineType: string;
    date: string;
    validity: { status: string; reason: string | null };
  }[];
  vaccineGroups: {
    vaccineGroup: string;
    seriesStatus: string;
    status: string;
    doseNumber: number | null;
    earliest: string | null;
    recommended: string | null;
    pastDue: string | null;
    latest: string | null;
    doses: { index: number; activityId: string; date: string; status: string; reason: string | null }[];
  }[];
}

describe.each(BACKENDS)('registry schedule: validity and forecast on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let staff: { cookie: string; 'x-csrf-token': string };
  let key: SigningKey;
  let childId = '';
  let otherId = '';

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await seedRegistryStaff(db);
    const person = (bsn: string, given: string) => ({
      bsn,
      source: 'brp' as const,
      given_name: given,
      name_prefix: 'de',
      family_name: 'Vries',
      gender: '2' as const,
      birth_date: BORN,
      street: null,
      house_number: null,
      house_letter: null,
      house_number_addition: null,
      postcode: null,
      city: null,
      municipality_code: 'GM0344',
    });
    const rows = await db
      .insertInto('person')
      .values([person(CHILD_BSN, 'Noor'), person(OTHER_BSN, 'Sem')])
      .returning('id')
      .execute();
    childId = rows[0]!.id;
    otherId = rows[1]!.id;
    await db
      .insertInto('vaccination_event')
      .values(
        DOSES.map(([activityId, vaccineType, date]) => ({
          person_id: childId,
          organisation_ura: URA,
          activity_id: activityId,
          activity_type: '01',
          activity_date: date,
          version: 1,
          vaccine_type: vaccineType,
          vaccination_date: date,
          batch_number: 'AB123',
          performer: 'GGD Testregio',
          location: 'Utrecht',
          objection: null,
        })),
      )
      .execute();
    await db
      .insertInto('consent_fact')
      .values({ person_id: childId, organisation_ura: URA, consent_date: BORN })
      .execute();
    key = await newSigningKey(URA);
    app = await createRegistryApp({
      database: test.database,
      logLevel: 'silent',
      today: () => TODAY,
      trustedKeys: () => localKeys([key.publicJwk]),
    });
    staff = await signIn(app, 'medewerker');
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const audit = (action: string) =>
    test.database.db
      .selectFrom('audit_event')
      .select(['actor_id', 'subject_id', 'request_id'])
      .where('action', '=', action)
      .execute();
  const schedule = async (on?: string, headers: object = staff) => {
    const response = await app.inject({
      url: `/api/persons/${childId}/schedule`,
      query: on ? { on } : {},
      headers: headers as Record<string, string>,
    });
    return response;
  };
  const group = (body: ScheduleBody, name: string) => body.vaccineGroups.find((g) => g.vaccineGroup === name);

  it('the routes are in the OpenAPI description', async () => {
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode, response.body).toBe(200);
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/persons', '/api/persons/{id}/schedule', '/api/fhir/$immds-forecast']),
    );
  });

  describe('person search by BSN', () => {
    it('finds the person by exact BSN, with municipality, and audits the search', async () => {
      const response = await app.inject({ url: '/api/persons', query: { bsn: CHILD_BSN }, headers: staff });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        items: [
          {
            id: childId,
            givenName: 'Noor',
            namePrefix: 'de',
            familyName: 'Vries',
            birthDate: BORN,
            municipality: { code: 'GM0344', name: 'Utrecht' },
          },
        ],
      });
      const entries = await audit('person.search');
      expect(entries).toContainEqual(
        expect.objectContaining({ actor_id: 'medewerker', subject_id: childId }),
      );
    });

    it('an unknown BSN finds nobody (and is audited too); an invalid one is refused', async () => {
      const none = await app.inject({ url: '/api/persons', query: { bsn: UNKNOWN_BSN }, headers: staff });
      expect(none.json()).toEqual({ items: [] });
      expect(await audit('person.search')).toContainEqual(expect.objectContaining({ subject_id: null }));
      for (const bsn of ['123456789', '12345', 'x'.repeat(9)]) {
        const bad = await app.inject({ url: '/api/persons', query: { bsn }, headers: staff });
        expect(bad.statusCode).toBe(400);
        expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(bad.json().errors[0].field).toBe('querystring.bsn');
      }
      const missing = await app.inject({ url: '/api/persons', headers: staff });
      expect(missing.statusCode).toBe(400);
    });

    it('only registry staff and analysts; not municipality officers, not anonymous callers', async () => {
      const analyst = await signIn(app, 'analist');
      expect(
        (await app.inject({ url: '/api/persons', query: { bsn: CHILD_BSN }, headers: analyst })).statusCode,
      ).toBe(200);
      const officer = await signIn(app, 'gemeente');
      const refused = await app.inject({ url: '/api/persons', query: { bsn: CHILD_BSN }, headers: officer });
      expect(refused.statusCode).toBe(403);
      expect((await schedule(undefined, officer)).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/persons', query: { bsn: CHILD_BSN } })).statusCode).toBe(401);
    });
  });

  describe('staff API: GET /api/persons/:id/schedule', () => {
    it('judges every dose: the one at 3 weeks is too young, the next three count', async () => {
      const response = await schedule('2025-11-20');
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as ScheduleBody;
      expect(personScheduleSchema.safeParse(body).success).toBe(true);
      expect(body).toMatchObject({
        person: { id: childId, birthDate: BORN },
        assessmentDate: '2025-11-20',
        schedule: 'RVP 2025',
        maternalPertussis: 'unknown',
      });
      expect(body.doses.map((d) => [d.activityId, d.vaccineType, d.validity])).toEqual([
        ['ACT0000001', '11', { status: 'Not Valid', reason: 'Age: Too Young' }],
        ['ACT0000002', '08', { status: 'Valid', reason: null }],
        ['ACT0000002', '11', { status: 'Valid', reason: null }],
        ['ACT0000003', '11', { status: 'Valid', reason: null }],
        ['ACT0000004', '11', { status: 'Valid', reason: null }],
        ['ACT0000005', '30', { status: 'Not evaluated', reason: 'Not in the schedule' }],
      ]);
    });

    it('per vaccine group: each dose back to its activity, the forecast and the series status', async () => {
      const body = (await schedule('2025-11-20')).json() as ScheduleBody;
      const dkt = group(body, 'DKT');
      expect(dkt).toMatchObject({
        seriesStatus: 'Not complete',
        status: 'upcoming',
        doseNumber: 4,
        earliest: '2025-12-16',
        recommended: '2026-01-15',
        pastDue: '2026-02-14',
        latest: null,
      });
      expect(dkt?.doses.map((d) => [d.index, d.activityId, d.date, d.status, d.reason])).toEqual([
        [0, 'ACT0000001', '2025-02-05', 'Not Valid', 'Age: Too Young'],
        [2, 'ACT0000002', '2025-03-17', 'Valid', null],
        [3, 'ACT0000003', '2025-04-15', 'Valid', null],
        [4, 'ACT0000004', '2025-06-16', 'Valid', null],
      ]);
      // The dose at 3 months is the second Pneu dose that never came: overdue.
      expect(group(body, 'Pneumococcal')).toMatchObject({
        status: 'overdue',
        doseNumber: 2,
        pastDue: '2025-07-14',
        doses: [{ index: 1, activityId: 'ACT0000002', status: 'Valid' }],
      });
      expect(group(body, 'Rotavirus')).toMatchObject({ seriesStatus: 'Aged Out', status: 'aged-out' });
      expect(group(body, 'BMR')).toMatchObject({ status: 'upcoming', recommended: '2026-03-15' });
      expect(body.vaccineGroups.map((g) => g.vaccineGroup)).toEqual([
        'Rotavirus',
        'DKT',
        'Polio',
        'Hib',
        'HepB',
        'Pneumococcal',
        'BMR',
        'MenACWY',
        'HPV',
      ]);
    });

    it('as of an earlier date: later doses are not evaluated, and what was due then shows', async () => {
      const body = (await schedule('2025-04-01')).json() as ScheduleBody;
      expect(body.doses.map((d) => d.validity.status)).toEqual([
        'Not Valid',
        'Valid',
        'Valid',
        'Not evaluated',
        'Not evaluated',
        'Not evaluated',
      ]);
      expect(body.doses[3]?.validity.reason).toBe('After the assessment date');
      expect(group(body, 'DKT')).toMatchObject({
        status: 'upcoming',
        doseNumber: 2,
        earliest: '2025-04-14',
        recommended: '2025-04-15',
      });
      // Rotavirus was due from 6 weeks and past due after 10 weeks; it ages out later.
      expect(group(body, 'Rotavirus')).toMatchObject({
        status: 'overdue',
        doseNumber: 1,
        latest: '2025-07-01',
      });
    });

    it('defaults to today, audits the read and refuses an unknown person or a bad date', async () => {
      const response = await schedule();
      expect(response.json().assessmentDate).toBe(TODAY);
      expect(await audit('person.schedule.read')).toContainEqual(
        expect.objectContaining({ actor_id: 'medewerker', subject_id: childId }),
      );
      const unknown = await app.inject({
        url: '/api/persons/00000000-0000-4000-8000-000000000000/schedule',
        headers: staff,
      });
      expect(unknown.statusCode).toBe(404);
      expect((await app.inject({ url: '/api/persons/nope/schedule', headers: staff })).statusCode).toBe(400);
      const badDate = await schedule('2025-02-30');
      expect(badDate.statusCode).toBe(400);
      expect(badDate.json().errors[0].field).toBe('querystring.on');
    });

    it('a person without vaccinations: everything still to come', async () => {
      const response = await app.inject({
        url: `/api/persons/${otherId}/schedule`,
        query: { on: TODAY },
        headers: staff,
      });
      const body = response.json() as ScheduleBody;
      expect(body.doses).toEqual([]);
      expect(group(body, 'DKT')).toMatchObject({ status: 'overdue', doseNumber: 1, doses: [] });
    });
  });

  describe('status query (R-V7): validity per vaccination and the forecast', () => {
    const query = (bsn: string) =>
      signPayload(
        { schema: STATUS_QUERY_SCHEMA, organisationUra: URA, bsn, requestedAt: `${TODAY}T10:00:00Z` },
        key,
      );

    it('answers every vaccination with the registry’s validity assessment', async () => {
      const answer = await answerStatusQuery(
        test.database.db,
        localKeys([key.publicJwk]),
        await query(CHILD_BSN),
        {
          today: () => TODAY,
        },
      );
      expect(statusQueryResponseSchema.parse(answer)).toEqual(answer);
      expect(answer).toMatchObject({ birthDate: BORN, assessmentDate: TODAY, schedule: 'RVP 2025' });
      expect(
        answer.vaccinations.map((v) => [v.activityId, v.vaccineType, v.batchNumber, v.validity]),
      ).toEqual([
        ['ACT0000001', '11', 'AB123', { status: 'Not Valid', reason: 'Age: Too Young' }],
        ['ACT0000002', '08', 'AB123', { status: 'Valid', reason: null }],
        ['ACT0000002', '11', 'AB123', { status: 'Valid', reason: null }],
        ['ACT0000003', '11', 'AB123', { status: 'Valid', reason: null }],
        ['ACT0000004', '11', 'AB123', { status: 'Valid', reason: null }],
        ['ACT0000005', '30', 'AB123', { status: 'Not evaluated', reason: 'Not in the schedule' }],
      ]);
      expect(answer.forecast.find((f) => f.vaccineGroup === 'DKT')).toEqual({
        vaccineGroup: 'DKT',
        seriesStatus: 'Not complete',
        status: 'upcoming',
        doseNumber: 4,
        earliest: '2025-12-16',
        recommended: '2026-01-15',
        pastDue: '2026-02-14',
        latest: null,
        vaccines: [{ code: '11', name: 'DKTP-Hib-HepB' }],
      });
      expect(answer.forecast.find((f) => f.vaccineGroup === 'Pneumococcal')?.status).toBe('overdue');
    });

    it('still refuses without a consent fact (R-C6)', async () => {
      await expect(
        answerStatusQuery(test.database.db, localKeys([key.publicJwk]), await query(OTHER_BSN), {
          today: () => TODAY,
        }),
      ).rejects.toMatchObject({ status: 403, slug: 'no-consent-known' });
    });

    it('over HTTP the registry answers the query (the response schema of exchange-routes.ts decides which fields)', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/exchange/status-query',
        payload: { request: await query(CHILD_BSN) },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().vaccinations).toHaveLength(DOSES.length);
    });

    it('statusQueryResponseSchema as a route’s response schema keeps validity and forecast', async () => {
      // What /api/exchange/status-query answers once its response schema is statusQueryResponseSchema.
      const probe = Fastify().withTypeProvider<ZodTypeProvider>();
      probe.setValidatorCompiler(validatorCompiler);
      probe.setSerializerCompiler(serializerCompiler);
      probe.post(
        '/status-query',
        { schema: { body: z.object({ request: z.string() }), response: { 200: statusQueryResponseSchema } } },
        async (request) =>
          answerStatusQuery(test.database.db, localKeys([key.publicJwk]), request.body.request, {
            today: () => TODAY,
          }),
      );
      const response = await probe.inject({
        method: 'POST',
        url: '/status-query',
        payload: { request: await query(CHILD_BSN) },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.vaccinations[0]).toMatchObject({
        validity: { status: 'Not Valid', reason: 'Age: Too Young' },
      });
      expect(body.forecast).toHaveLength(9);
      await probe.close();
    });
  });

  describe('FHIR $immds-forecast', () => {
    const fhirHeaders = (auth: object = staff) => ({
      ...(auth as Record<string, string>),
      'content-type': 'application/fhir+json',
      accept: 'application/fhir+json',
    });
    /** The registry's own rows as FHIR input: the round trip must agree with the staff API. */
    const input = (): Parameters => ({
      resourceType: 'Parameters',
      parameter: [
        { name: 'assessmentDate', valueDate: TODAY },
        {
          name: 'patient',
          resource: {
            resourceType: 'Patient',
            id: 'noor',
            identifier: [{ system: FHIR_SYSTEMS.bsn, value: CHILD_BSN }],
            gender: 'female',
            birthDate: BORN,
          },
        },
        ...DOSES.map(([activityId, code, date], i) => ({
          name: 'immunization',
          resource: {
            resourceType: 'Immunization',
            id: `imm-${i + 1}`,
            identifier: [{ system: `urn:oid:2.16.840.1.113883.2.4.6.1.${URA}`, value: activityId }],
            status: 'completed',
            vaccineCode: { coding: [{ system: FHIR_SYSTEMS.w0422, code }] },
            patient: { reference: 'Patient/noor' },
            occurrenceDateTime: date,
          },
        })),
      ],
    });
    const post = (
      payload: unknown,
      headers: Record<string, string> = fhirHeaders(),
      url = '/api/fhir/$immds-forecast',
    ) => app.inject({ method: 'POST', url, headers, payload: JSON.stringify(payload) });

    it('round trip: Parameters in, evaluations and the recommendation out, as the staff API judges', async () => {
      const response = await post(input());
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const out = response.json() as Parameters;
      expect(out.resourceType).toBe('Parameters');
      const evaluations = out.parameter
        .filter((p) => p.name === 'evaluation')
        .map(
          (p) =>
            p.resource as {
              immunizationEvent: { reference: string };
              doseStatus: { coding: { code: string }[] };
              doseStatusReason?: { text: string }[];
            },
        );
      // 4 × DKTP-Hib-HepB for 6 antigens + Pneu; maternal flu has no antigen.
      expect(evaluations).toHaveLength(25);
      const staffView = (await schedule(TODAY)).json() as ScheduleBody;
      staffView.doses.forEach((dose, i) => {
        const mine = evaluations.filter((e) => e.immunizationEvent.reference === `Immunization/imm-${i + 1}`);
        if (dose.validity.status === 'Not evaluated') return expect(mine).toEqual([]);
        const codes = new Set(mine.map((e) => e.doseStatus.coding[0]?.code));
        expect([...codes]).toEqual([dose.validity.status === 'Valid' ? 'valid' : 'notvalid']);
        if (dose.validity.reason) expect(mine[0]?.doseStatusReason?.[0]?.text).toBe(dose.validity.reason);
      });
      const recommendation = out.parameter.find((p) => p.name === 'recommendation')?.resource as {
        recommendation: {
          description: string;
          dateCriterion?: { code: { coding: { code: string }[] }; value: string }[];
        }[];
      };
      for (const g of staffView.vaccineGroups) {
        const rec = recommendation.recommendation.find(
          (r) => r.description === `Vaccine group ${g.vaccineGroup}`,
        );
        const dates = Object.fromEntries(
          (rec?.dateCriterion ?? []).map((c) => [c.code.coding[0]?.code, c.value]),
        );
        expect(dates['30981-5'] ?? null).toBe(g.earliest);
        expect(dates['30980-7'] ?? null).toBe(g.recommended);
        expect(dates['59778-1'] ?? null).toBe(g.pastDue);
        expect(dates['59777-3'] ?? null).toBe(g.latest);
      }
      expect(await audit('fhir.immds-forecast')).toContainEqual(
        expect.objectContaining({ actor_id: 'medewerker', subject_id: null }),
      );
    });

    it('accepts application/json and a percent-encoded "$"', async () => {
      const json = await post(input(), { ...staff, 'content-type': 'application/json' });
      expect(json.statusCode, json.body).toBe(200);
      const encoded = await post(input(), fhirHeaders(), '/api/fhir/%24immds-forecast');
      expect(encoded.statusCode, encoded.body).toBe(200);
    });

    it('errors are an OperationOutcome (application/fhir+json), not problem+json', async () => {
      const cases: [
        string,
        Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>,
        number,
        string,
      ][] = [
        [
          'invalid Parameters',
          post({ resourceType: 'Parameters', parameter: [{ name: 'patient' }] }),
          400,
          'required',
        ],
        ['no Parameters at all', post({ resourceType: 'Patient' }), 400, 'value'],
        [
          'malformed JSON',
          app.inject({
            method: 'POST',
            url: '/api/fhir/$immds-forecast',
            headers: fhirHeaders(),
            payload: '{"resourceType":',
          }),
          400,
          'invalid',
        ],
        [
          'a dose after the assessment date',
          post({
            ...input(),
            parameter: [{ name: 'assessmentDate', valueDate: '2025-05-01' }, ...input().parameter.slice(1)],
          }),
          422,
          'business-rule',
        ],
        ['no session', post(input(), { 'content-type': 'application/fhir+json' }), 401, 'login'],
        [
          'no CSRF token',
          post(input(), { cookie: staff.cookie, 'content-type': 'application/fhir+json' }),
          403,
          'forbidden',
        ],
        [
          'an unsupported media type',
          app.inject({
            method: 'POST',
            url: '/api/fhir/$immds-forecast',
            headers: { ...staff, 'content-type': 'text/plain' },
            payload: 'x',
          }),
          415,
          'not-supported',
        ],
        [
          'an unknown FHIR interaction',
          app.inject({ url: '/api/fhir/Patient/1', headers: staff }),
          404,
          'not-found',
        ],
      ];
      for (const [label, pending, status, code] of cases) {
        const response = await pending;
        expect(response.statusCode, `${label}: ${response.body}`).toBe(status);
        expect(response.headers['content-type'], label).toMatch(/^application\/fhir\+json/);
        const outcome = JSON.parse(response.body) as {
          resourceType: string;
          issue: { code: string; severity: string }[];
        };
        expect(outcome.resourceType, label).toBe('OperationOutcome');
        expect(outcome.issue[0]?.code, label).toBe(code);
        for (const validator of FHIR_VALIDATORS)
          expect(validator.validate(outcome), `${label}, ${validator.name}`).toEqual([]);
      }
      const officer = await signIn(app, 'gemeente');
      const refused = await post(input(), fhirHeaders(officer));
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ code: 'forbidden' }],
      });
    });

    it.skipIf(FHIR_VALIDATORS.length === 0)(
      FHIR_VALIDATORS.length === 0
        ? `the answer passes independent FHIR R4 validators — skipped: ${MISSING_VALIDATOR}`
        : `the answer passes independent FHIR R4 validators (${FHIR_VALIDATORS.map((v) => v.name).join('; ')})`,
      async () => {
        const out = (await post(input())).json() as Parameters;
        for (const validator of FHIR_VALIDATORS) {
          expect(validator.validate(input()), `input, ${validator.name}`).toEqual([]);
          expect(validator.validate(out), `output, ${validator.name}`).toEqual([]);
          for (const p of out.parameter)
            expect(validator.validate(p.resource), `${p.name}, ${validator.name}`).toEqual([]);
        }
      },
    );
  });
});
