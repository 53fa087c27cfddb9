import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import { newActivityId, type AnonymousMessage } from '../../src/domain/messages/index.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { signingKeyFor } from '../../src/exchange/keys.js';
import { ExchangeSender } from '../../src/exchange/sender.js';
import {
  JWS_BATCH_TYPE,
  newSigningKey,
  remoteKeys,
  signBatch,
  signPayload,
} from '../../src/exchange/signing.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  ADMIN_A,
  clientRow,
  ORG_A,
  ORG_B,
  seedTwoOrganisations,
  USER_A,
  USER_B,
} from '../support/fixtures.js';
import { signIn } from '../support/session.js';

const BSN = [1, 2, 3, 4, 5, 6].map((n) => makeBsn(7_000_000 + n));

describe.each(BACKENDS)('dossier → registry exchange over HTTP on %s', (backend) => {
  let dossierDb: TestDatabase<'dossier'>;
  let registryDb: TestDatabase<'registry'>;
  let dossier: App;
  let registry: App | undefined;
  let registryUrl = '';
  let registryPort = 0;
  let today = '2026-11-23';
  let sender: ExchangeSender;
  let auth: { cookie: string; 'x-csrf-token': string };
  const clients: Record<string, string> = {};

  const startRegistry = async () => {
    registry = await createRegistryApp({
      database: registryDb.database,
      logLevel: 'silent',
      trustedKeys: () => keys,
    });
    await registry.listen({ host: '127.0.0.1', port: registryPort });
    registryPort = (registry.server.address() as AddressInfo).port;
    registryUrl = `http://127.0.0.1:${registryPort}`;
  };
  let keys: ReturnType<typeof remoteKeys>;

  beforeAll(async () => {
    dossierDb = await createTestDatabase(backend, 'dossier');
    registryDb = await createTestDatabase(backend, 'registry');
    const { db } = dossierDb.database;
    await seedTwoOrganisations(db);
    const rows = await db
      .insertInto('client')
      .values([
        clientRow(ORG_A.ura, 20, { given_name: 'Sanne', bsn: BSN[0]!, birth_date: '2020-01-15' }),
        clientRow(ORG_A.ura, 21, { given_name: 'Tim', bsn: BSN[1]!, birth_date: '2019-03-03' }),
        clientRow(ORG_A.ura, 22, { given_name: 'Lotte', bsn: BSN[2]!, birth_date: '2010-12-01' }),
        clientRow(ORG_A.ura, 23, {
          given_name: 'Mila',
          bsn: BSN[3]!,
          birth_date: '2018-05-05',
          postcode: '0123 XX',
        }),
        clientRow(ORG_A.ura, 24, { given_name: 'Onbekend', bsn: BSN[4]!, birth_date: '2018-05-05' }),
        clientRow(ORG_A.ura, 25, { given_name: 'Vera', bsn: BSN[5]!, birth_date: '2008-01-01' }),
      ])
      .returning(['id', 'given_name'])
      .execute();
    for (const row of rows) clients[row.given_name] = row.id;
    // The registry knows everyone from the BRP except "Onbekend".
    await registryDb.database.db
      .insertInto('person')
      .values(
        [
          [BSN[0]!, '2020-01-15'],
          [BSN[1]!, '2019-03-03'],
          [BSN[2]!, '2010-12-01'],
          [BSN[3]!, '2018-05-05'],
        ].map(([bsn, birthDate]) => ({
          bsn: bsn!,
          source: 'brp' as const,
          given_name: 'X',
          name_prefix: null,
          family_name: 'Y',
          gender: '2' as const,
          birth_date: birthDate!,
          street: null,
          house_number: null,
          house_letter: null,
          house_number_addition: null,
          postcode: null,
          city: null,
          municipality_code: null,
        })),
      )
      .execute();

    sender = new ExchangeSender({
      db,
      registryUrl: () => registryUrl,
      today: () => today,
      backoffMs: () => 60_000,
    });
    dossier = await createDossierApp({
      database: dossierDb.database,
      logLevel: 'silent',
      today: () => today,
      exchange: { sender, registryUrl: () => registryUrl },
    });
    await dossier.listen({ host: '127.0.0.1', port: 0 });
    const dossierUrl = `http://127.0.0.1:${(dossier.server.address() as AddressInfo).port}`;
    await signingKeyFor(db, ORG_A.ura);
    await signingKeyFor(db, '10000002');
    keys = remoteKeys(`${dossierUrl}/.well-known/jwks.json`);
    await startRegistry();
    auth = await signIn(dossier, USER_A);
  });
  afterAll(async () => {
    await dossier?.close();
    await registry?.close();
    await dossierDb?.drop();
    await registryDb?.drop();
  });

  const post = (url: string, payload: object) =>
    dossier.inject({ method: 'POST', url, headers: auth, payload });
  const vaccinate = async (client: string, date = '2026-11-20') => {
    const response = await post(`/api/clients/${clients[client]}/activities`, {
      activityType: '01',
      activityDate: date,
      vaccinations: [
        { vaccineType: '11', date, batchNumber: 'AB123', performer: 'GGD Testregio A', location: 'Utrecht' },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { activityId: string };
  };
  /** A vaccination in organisation B's dossier, recorded by its nurse. */
  const vaccinateInB = async (date: string) => {
    const { id: clientB } = await dossierDb.database.db
      .selectFrom('client')
      .select('id')
      .where('organisation_ura', '=', ORG_B.ura)
      .executeTakeFirstOrThrow();
    const response = await dossier.inject({
      method: 'POST',
      url: `/api/clients/${clientB}/activities`,
      headers: await signIn(dossier, USER_B),
      payload: {
        activityType: '01',
        activityDate: date,
        vaccinations: [{ vaccineType: '11', date, batchNumber: 'AB123', performer: 'P', location: 'L' }],
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { activityId: string }).activityId;
  };
  const ownYes = (client: string, date: string) =>
    post(`/api/clients/${clients[client]}/consent-records`, {
      agreed: true,
      sourcePersonId: 'self',
      source: '01',
      date,
    });
  /** The dossier's outbox row for an activity's (only) message. */
  const outboxOf = (activityId: string) =>
    dossierDb.database.db
      .selectFrom('outbox_message as o')
      .innerJoin('activity as a', 'a.id', 'o.activity_pk')
      .select(['o.state', 'o.attempts', 'o.last_error', 'o.registry_outcome'])
      .where('a.activity_id', '=', activityId)
      .executeTakeFirstOrThrow();
  const registryRows = async (activityId: string) => ({
    personalised: await registryDb.database.db
      .selectFrom('vaccination_event')
      .selectAll()
      .where('activity_id', '=', activityId)
      .execute(),
    anonymous: await registryDb.database.db
      .selectFrom('anonymous_vaccination')
      .selectAll()
      .where('activity_id', '=', activityId)
      .execute(),
  });

  it('consent → vaccinate → nightly → one personalised row', async () => {
    const custodian = await dossierDb.database.db
      .insertInto('related_person')
      .values({
        organisation_ura: ORG_A.ura,
        bsn: null,
        given_name: 'Ma',
        name_prefix: null,
        family_name: 'Y',
        gender: '2',
        birth_date: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await dossierDb.database.db
      .insertInto('client_relation')
      .values({ client_id: clients.Sanne!, person_id: custodian.id, relation: 'parent', has_custody: true })
      .execute();
    const yes = await post(`/api/clients/${clients.Sanne}/consent-records`, {
      agreed: true,
      sourcePersonId: custodian.id,
      source: '03',
      date: '2026-01-10',
    });
    expect(yes.statusCode).toBe(201);
    const { activityId } = await vaccinate('Sanne');
    // Nothing goes before the nightly run.
    expect((await sender.deliverDue()).attempted).toBe(0);
    const report = await sender.runNightly();
    expect(report).toMatchObject({ sent: 1, personalised: 1 });
    const rows = await registryRows(activityId);
    expect(rows.personalised).toHaveLength(1);
    expect(rows.anonymous).toHaveLength(0);
    const fact = await registryDb.database.db.selectFrom('consent_fact').selectAll().execute();
    expect(fact).toEqual([
      expect.objectContaining({ organisation_ura: ORG_A.ura, consent_date: '2026-01-10' }),
    ]);
    const states = (
      await dossier.inject({ url: `/api/clients/${clients.Sanne}/activities`, headers: auth })
    ).json();
    expect(states.items[0].messages[0]).toMatchObject({
      state: 'sent',
      sentKind: 'personalised',
      registryOutcome: 'accepted',
    });
  });

  it('no consent → one anonymous row that carries no personal field; then consent → repair replaces it', async () => {
    const { activityId } = await vaccinate('Tim');
    expect(await sender.runNightly()).toMatchObject({ sent: 1, anonymous: 1 });
    let rows = await registryRows(activityId);
    expect(rows.personalised).toHaveLength(0);
    expect(rows.anonymous).toHaveLength(1);
    const stored = JSON.stringify(rows.anonymous);
    for (const personal of [BSN[1]!, 'Tim', '2019-03-03', 'Familie21', '3511'])
      expect(stored).not.toContain(personal);
    expect(Object.keys(rows.anonymous[0]!)).not.toEqual(expect.arrayContaining(['person_id']));

    // Tim is 7: a custodian's yes today makes consent, and the repair goes out the same day.
    const custodian = await dossierDb.database.db
      .insertInto('related_person')
      .values({
        organisation_ura: ORG_A.ura,
        bsn: null,
        given_name: 'Pa',
        name_prefix: null,
        family_name: 'Y',
        gender: '1',
        birth_date: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await dossierDb.database.db
      .insertInto('client_relation')
      .values({ client_id: clients.Tim!, person_id: custodian.id, relation: 'parent', has_custody: true })
      .execute();
    const yes = await post(`/api/clients/${clients.Tim}/consent-records`, {
      agreed: true,
      sourcePersonId: custodian.id,
      source: '03',
      date: today,
    });
    expect(yes.json().repairsQueued, yes.body).toBe(1);
    await sender.deliverDue();
    rows = await registryRows(activityId);
    expect(rows.personalised).toHaveLength(1);
    expect(rows.anonymous).toHaveLength(0);
    const messages = (
      await dossier.inject({ url: `/api/clients/${clients.Tim}/activities`, headers: auth })
    ).json().items[0].messages;
    expect(
      messages.map((m: { version: number; reason: string; sentKind: string }) => [
        m.version,
        m.reason,
        m.sentKind,
      ]),
    ).toEqual([
      [2, 'repair', 'personalised'],
      [1, 'new', 'anonymous'],
    ]);
  });

  it('never repairs a vaccination that came from another organisation’s dossier (R-C5)', async () => {
    const { db } = dossierDb.database;
    const own = await vaccinate('Vera');
    // A vaccination that arrived with a dossier transfer from organisation B, once sent anonymously by B.
    const foreign = await db
      .insertInto('activity')
      .values({
        organisation_ura: ORG_A.ura,
        client_id: clients.Vera!,
        activity_id: 'FROMB00001',
        activity_type: '01',
        activity_date: '2025-05-01',
        origin_ura: '10000002',
        created_by: 'transfer',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('outbox_message')
      .values({
        organisation_ura: ORG_A.ura,
        activity_pk: foreign.id,
        version: 1,
        reason: 'new',
        urgency: 'nightly',
        released: true,
        state: 'sent',
        sent_kind: 'anonymous',
        sent_at: new Date(),
        last_error: null,
        registry_outcome: 'accepted',
        registry_reason: null,
      })
      .execute();
    await sender.runNightly();
    expect((await registryRows(own.activityId)).anonymous).toHaveLength(1);
    const yes = await ownYes('Vera', today);
    expect(yes.statusCode).toBe(201);
    expect(yes.json().repairsQueued).toBe(1); // her own organisation's, not the transferred one
    const queued = await db
      .selectFrom('outbox_message')
      .select('activity_pk')
      .where('reason', '=', 'repair')
      .where('activity_pk', '=', foreign.id)
      .execute();
    expect(queued).toEqual([]);
    await sender.deliverDue();
    const repairs = await db
      .selectFrom('outbox_message as o')
      .innerJoin('activity as a', 'a.id', 'o.activity_pk')
      .select(['a.activity_id', 'o.state'])
      .where('o.reason', '=', 'repair')
      .where('a.client_id', '=', clients.Vera!)
      .execute();
    // Delivered (held at the registry: Vera is not in its population), and only her own activity.
    expect(repairs).toEqual([{ activity_id: own.activityId, state: 'held' }]);
  });

  it('turning 16 with her own yes: the daily job repairs what went out anonymously', async () => {
    // Lotte turns 16 on 2026-12-01; she said yes herself, her custodians never did.
    expect((await ownYes('Lotte', '2026-06-01')).statusCode).toBe(201);
    const { activityId } = await vaccinate('Lotte');
    await sender.runNightly();
    expect((await registryRows(activityId)).anonymous).toHaveLength(1);
    today = '2026-11-30';
    await sender.runNightly();
    expect((await registryRows(activityId)).anonymous).toHaveLength(1);
    today = '2026-12-01';
    await sender.runNightly();
    const rows = await registryRows(activityId);
    expect(rows.personalised).toHaveLength(1);
    expect(rows.anonymous).toHaveLength(0);
    today = '2026-11-23';
  });

  it('keeps everything while the registry is down, delivers after it returns, without duplicates', async () => {
    await ownYes('Lotte', '2026-06-01').catch(() => undefined);
    const first = await vaccinate('Sanne', '2026-11-21');
    const second = await vaccinate('Tim', '2026-11-21');
    await registry!.close();
    const down = await sender.runNightly();
    expect(down.failed).toBe(2);
    const waiting = await dossierDb.database.db
      .selectFrom('outbox_message')
      .select(['state', 'attempts', 'last_error'])
      .where('state', '=', 'queued')
      .execute();
    expect(waiting).toHaveLength(2);
    expect(waiting.every((w) => w.attempts === 1 && w.last_error)).toBe(true);
    await startRegistry();
    // Not before the backoff has passed …
    expect((await sender.deliverDue()).attempted).toBe(0);
    // … and then everything, once.
    const later = await sender.deliverDue(() => new Date(Date.now() + 120_000));
    expect(later.sent).toBe(2);
    expect((await registryRows(first.activityId)).personalised).toHaveLength(1);
    expect((await registryRows(second.activityId)).personalised).toHaveLength(1);
  });

  it('shows the organisation what could not be delivered; sending now retries it at once, for that organisation only', async () => {
    const admin = await signIn(dossier, ADMIN_A);
    const worklist = async () =>
      (await dossier.inject({ url: '/api/exchange/worklist', headers: admin })).json() as {
        items: Array<{
          activityId: string;
          state: string;
          attempts: number;
          deliveryError: string | null;
          nextAttemptAt: string | null;
          sentAt: string | null;
        }>;
      };
    const { activityId } = await vaccinate('Tim', '2026-11-22');
    const activityB = await vaccinateInB('2026-11-22');
    await registry!.close();
    const before = Date.now();
    const run = await dossier.inject({ method: 'POST', url: '/api/exchange/run', headers: admin });
    expect(run.json()).toMatchObject({ attempted: 2, failed: 2, sent: 0 });
    // Organisation A sees its own message, waiting, with why and when it is tried again.
    const waiting = (await worklist()).items.filter((i) => i.state === 'undelivered');
    expect(waiting).toEqual([
      expect.objectContaining({ activityId, attempts: 1, sentAt: null, deliveryError: expect.any(String) }),
    ]);
    expect(Date.parse(waiting[0]!.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 60_000);
    await startRegistry();
    expect((await sender.deliverDue()).attempted).toBe(0); // the backoff holds for the nightly run
    // Its admin sends now: A's message goes at once; B's still waits out its backoff.
    const now = await dossier.inject({ method: 'POST', url: '/api/exchange/run', headers: admin });
    expect(now.json()).toMatchObject({ attempted: 1, sent: 1, failed: 0 });
    expect((await registryRows(activityId)).personalised).toHaveLength(1);
    expect((await outboxOf(activityId)).state).toBe('sent');
    expect((await worklist()).items.filter((i) => i.state === 'undelivered')).toEqual([]);
    expect(await outboxOf(activityB)).toMatchObject({ state: 'queued', attempts: 1 });
    expect((await registryRows(activityB)).anonymous).toHaveLength(0);
    // The nightly run after the backoff delivers B's.
    expect((await sender.deliverDue(() => new Date(Date.now() + 120_000))).sent).toBe(1);
    expect((await registryRows(activityB)).anonymous).toHaveLength(1);
  });

  it('a delivery whose answer is lost is retried with one effect', async () => {
    const { activityId } = await vaccinate('Sanne', '2026-11-22');
    let lose = true;
    const lossy = new ExchangeSender({
      db: dossierDb.database.db,
      registryUrl: () => registryUrl,
      today: () => today,
      backoffMs: () => 0,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (lose) {
          lose = false;
          throw new Error('connection reset after the registry committed');
        }
        return response;
      },
    });
    expect((await lossy.runNightly()).failed).toBe(1);
    expect((await registryRows(activityId)).personalised).toHaveLength(1);
    const retry = await lossy.deliverDue();
    expect(retry.sent).toBe(1);
    expect((await outboxOf(activityId)).registry_outcome).toBe('duplicate');
    expect((await registryRows(activityId)).personalised).toHaveLength(1);
  });

  it('refuses a forged signer and a signer of another organisation', async () => {
    const message: AnonymousMessage = {
      schema: 'open-rvp/message-4a/v1',
      version: 1,
      organisationUra: ORG_A.ura,
      dossierStatus: '01',
      activity: { id: newActivityId(), type: '01', date: '2026-11-20' },
      vaccinations: [
        { vaccineType: '11', date: '2026-11-20', batchNumber: 'X1', performer: 'P', location: 'L' },
      ],
    };
    const forged = await newSigningKey(ORG_A.ura, 9);
    const otherOrg = await signingKeyFor(dossierDb.database.db, '10000002');
    const send = async (jws: string) =>
      (
        await fetch(`${registryUrl}/api/exchange/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [jws] }),
        })
      ).json();
    expect((await send(await signPayload(message, forged))).results[0]).toMatchObject({
      outcome: 'refused',
      rule: 'unknown-signer',
    });
    expect((await send(await signPayload(message, otherOrg))).results[0]).toMatchObject({
      outcome: 'refused',
      rule: 'signer-ura-mismatch',
    });
    expect((await registryRows(message.activity.id)).anonymous).toHaveLength(0);
  });

  const anonymousMessage = (organisationUra = ORG_A.ura): AnonymousMessage => ({
    schema: 'open-rvp/message-4a/v1',
    version: 1,
    organisationUra,
    dossierStatus: '01',
    activity: { id: newActivityId(), type: '01', date: '2026-11-20' },
    vaccinations: [
      { vaccineType: '11', date: '2026-11-20', batchNumber: 'X1', performer: 'P', location: 'L' },
    ],
  });
  const sendBatch = async (jws: string) => {
    const response = await fetch(`${registryUrl}/api/exchange/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: jws,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    };
  };

  it('refuses a signed batch whole when its signer, signature, type, form or size is wrong, storing none of it', async () => {
    const own = await signingKeyFor(dossierDb.database.db, ORG_A.ura);
    const forged = await newSigningKey(ORG_A.ura, 9);
    const messages = [anonymousMessage(), anonymousMessage()];
    const valid = await signBatch(messages, own);
    const [header, , signature] = valid.split('.') as [string, string, string];
    // The same header and signature over other messages: the signature no longer matches.
    const otherPayload = Buffer.from(JSON.stringify({ messages: [anonymousMessage()] })).toString(
      'base64url',
    );
    const cases: Array<[string, string]> = [
      [await signBatch(messages, forged), 'unknown-signer'],
      [`${header}.${otherPayload}.${signature}`, 'bad-signature'],
      // A message's type over a batch's payload: never read as a batch.
      [await signPayload({ messages }, own), 'malformed-jws'],
      [await signPayload({ messages, more: 1 }, own, JWS_BATCH_TYPE), 'malformed-payload'],
      [await signPayload(messages, own, JWS_BATCH_TYPE), 'malformed-payload'],
      [await signBatch([], own), 'batch-size'],
      [
        await signBatch(
          Array.from({ length: 1001 }, () => messages[0]),
          own,
        ),
        'batch-size',
      ],
      ['geen.jws', 'malformed-jws'],
    ];
    const batchRefusals = () =>
      registryDb.database.db
        .selectFrom('intake_refusal')
        .select(['rule', 'organisation_ura', 'activity_id'])
        .where('reason', 'like', 'Batch geweigerd:%')
        .orderBy('received_at')
        .execute();
    const refusalsBefore = (await batchRefusals()).length;
    for (const [jws, rule] of cases) {
      const answer = await sendBatch(jws);
      expect(answer.status, rule).toBe(422);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'body', rule })]);
    }
    for (const m of messages) expect((await registryRows(m.activity.id)).anonymous).toHaveLength(0);
    // Each refusal is on the registry's worklist, naming no organisation or activity it cannot trust.
    const refusals = (await batchRefusals()).slice(refusalsBefore);
    expect(refusals.map((r) => r.rule)).toEqual(cases.map(([, rule]) => rule));
    for (const r of refusals) expect([r.organisation_ura, r.activity_id]).toEqual([null, null]);
    // The same batch, untouched, is stored: one answer per message, in order.
    const answer = await sendBatch(valid);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { index: 0, outcome: 'accepted' },
      { index: 1, outcome: 'accepted' },
    ]);
    for (const m of messages) expect((await registryRows(m.activity.id)).anonymous).toHaveLength(1);
    // A body that is not a JWS at all is a problem too.
    const json = await fetch(`${registryUrl}/api/exchange/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [valid] }),
    });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
  });

  it('publishes the signed-batch intake in the registry’s OpenAPI as application/jose', async () => {
    const spec = (await registry!.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }>;
    };
    expect(Object.keys(spec.paths['/api/exchange/batches']?.post?.requestBody?.content ?? {})).toEqual([
      'application/jose',
    ]);
    expect(Object.keys(spec.paths['/api/exchange/messages']?.post?.requestBody?.content ?? {})).toEqual([
      'application/json',
    ]);
  });

  it('answers a signed batch per message: another organisation’s message and an invalid one are refused, the rest stored', async () => {
    const own = await signingKeyFor(dossierDb.database.db, ORG_A.ura);
    const first = anonymousMessage();
    const ofOtherOrganisation = anonymousMessage(ORG_B.ura);
    const invalid = { ...anonymousMessage(), dossierStatus: '99' };
    const last = anonymousMessage();
    const answer = await sendBatch(await signBatch([first, ofOtherOrganisation, invalid, last], own));
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { index: 0, outcome: 'accepted' },
      expect.objectContaining({ index: 1, outcome: 'refused', rule: 'signer-ura-mismatch' }),
      expect.objectContaining({ index: 2, outcome: 'refused' }),
      { index: 3, outcome: 'accepted' },
    ]);
    expect((await registryRows(first.activity.id)).anonymous).toHaveLength(1);
    expect((await registryRows(ofOtherOrganisation.activity.id)).anonymous).toHaveLength(0);
    expect((await registryRows(invalid.activity.id)).anonymous).toHaveLength(0);
    expect((await registryRows(last.activity.id)).anonymous).toHaveLength(1);
  });

  it('the sender signs one batch per organisation; a batch the registry refuses stays queued with its reason', async () => {
    const ofA = [await vaccinate('Tim', '2026-11-21'), await vaccinate('Vera', '2026-11-21')];
    const activityB = await vaccinateInB('2026-11-21');
    const posted: Array<{ typ: string; kid: string; uras: string[] }> = [];
    let tamper = true;
    const watched = new ExchangeSender({
      db: dossierDb.database.db,
      registryUrl: () => registryUrl,
      today: () => today,
      backoffMs: () => 0,
      fetch: async (input, init) => {
        const jws = String(init?.body);
        const [header, payload] = jws.split('.') as [string, string];
        const { typ, kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
          typ: string;
          kid: string;
        };
        const { messages } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
          messages: Array<{ organisationUra: string }>;
        };
        posted.push({ typ, kid, uras: messages.map((m) => m.organisationUra) });
        // Organisation B's batch arrives with one character of its signature changed.
        if (tamper && kid.includes(ORG_B.ura)) {
          const at = jws.length - 20; // inside the signature (its last character holds padding bits)
          const flipped = `${jws.slice(0, at)}${jws[at] === 'A' ? 'B' : 'A'}${jws.slice(at + 1)}`;
          return fetch(input, { ...init, body: flipped });
        }
        return fetch(input, init);
      },
    });
    const report = await watched.runNightly();
    // Organisation A's two went (accepted or held, as their consent and the registry's persons say).
    expect(report).toMatchObject({ attempted: 3, failed: 1 });
    expect(report.sent + report.held).toBe(2);
    expect(posted.map((p) => p.typ)).toEqual([JWS_BATCH_TYPE, JWS_BATCH_TYPE]);
    for (const p of posted) expect(new Set(p.uras)).toEqual(new Set([p.kid.split('-')[1]]));
    expect(posted.map((p) => p.uras.length).sort()).toEqual([1, 2]);
    for (const a of ofA) {
      expect(['accepted', 'held']).toContain((await outboxOf(a.activityId)).registry_outcome);
    }
    const waiting = await outboxOf(activityB);
    expect(waiting).toMatchObject({ state: 'queued', attempts: 1, registry_outcome: null });
    expect(waiting.last_error).toContain('422');
    expect(waiting.last_error).toContain('handtekening');
    expect((await registryRows(activityB)).anonymous).toHaveLength(0);
    // Delivered untouched on the next attempt.
    tamper = false;
    expect(await watched.deliverDue()).toMatchObject({ attempted: 1, sent: 1, failed: 0 });
    expect((await registryRows(activityB)).anonymous).toHaveLength(1);
  });

  it('an invalid field is refused and shown in the worklist; an unknown BSN is held', async () => {
    expect((await ownYes('Mila', '2026-11-01')).statusCode).toBe(422); // Mila is 8: not her own
    await dossierDb.database.db
      .insertInto('consent_record')
      .values(
        ['Mila', 'Onbekend'].map((name) => ({
          client_id: clients[name]!,
          organisation_ura: ORG_A.ura,
          agreed: true,
          source_person_id: null,
          source: '01' as const,
          consent_date: '2026-11-01',
          method: null,
          note: null,
          registered_by: 'test',
        })),
      )
      .execute();
    // (Registered directly: a pregnant client's own yes; make them clients of 18+ for the decision.)
    await dossierDb.database.db
      .updateTable('client')
      .set({ kind: 'client', birth_date: '1990-05-05' })
      .where('id', 'in', [clients.Mila!, clients.Onbekend!])
      .execute();
    await vaccinate('Mila');
    await vaccinate('Onbekend');
    const report = await sender.runNightly();
    expect(report).toMatchObject({ refused: 1, held: 1 });
    const admin = await signIn(dossier, ADMIN_A);
    expect((await dossier.inject({ url: '/api/exchange/worklist', headers: auth })).statusCode).toBe(403); // nurses: no
    const worklist = (await dossier.inject({ url: '/api/exchange/worklist', headers: admin })).json();
    const states = worklist.items.map((i: { state: string; registryReason: string }) => [
      i.state,
      i.registryReason,
    ]);
    expect(states).toContainEqual(['refused', expect.stringMatching(/postcode/i)]);
    expect(states).toContainEqual(['held', expect.stringMatching(/BSN/)]);
  });

  it('tells the organisation which of its doses the registry judged not valid (R-R3)', async () => {
    // Sanne (consent) gets a second DKTP-Hib-HepB two days after the one of 2026-11-20: too soon.
    const { activityId } = await vaccinate('Sanne', '2026-11-23');
    await sender.runNightly();
    const items = (
      await dossier.inject({ url: `/api/clients/${clients.Sanne}/activities`, headers: auth })
    ).json().items;
    const activity = items.find((a: { activityId: string }) => a.activityId === activityId);
    expect(activity.messages[0].validityFeedback).toEqual([
      expect.objectContaining({
        vaccineType: '11',
        date: '2026-11-23',
        status: 'Not Valid',
        reason: expect.stringMatching(/Interval|Too Soon|Age/i),
      }),
    ]);
  });

  it('after an unlink request, what the dossier still sends with personal data is kept anonymously (R-R6)', async () => {
    const person = await registryDb.database.db
      .selectFrom('person')
      .select('id')
      .where('bsn', '=', BSN[0]!)
      .executeTakeFirstOrThrow();
    await registryDb.database.db
      .insertInto('unlink_request')
      .values({ person_id: person.id, registered_by: 'test' })
      .execute();
    const { activityId } = await vaccinate('Sanne', '2026-11-23');
    await sender.runNightly();
    const rows = await registryRows(activityId);
    expect(rows.personalised).toHaveLength(0);
    expect(rows.anonymous).toHaveLength(1);
    await registryDb.database.db.deleteFrom('unlink_request').where('person_id', '=', person.id).execute();
  });

  it('answers a status query only with consent', async () => {
    const allowed = await dossier.inject({
      url: `/api/clients/${clients.Sanne}/vaccination-status`,
      headers: auth,
    });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().vaccinations.length).toBeGreaterThanOrEqual(1);
    const blocked = await dossier.inject({
      url: `/api/clients/${clients.Lotte}/vaccination-status`,
      headers: auth,
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().errors[0].rule).toBe('no-consent');
  });
});
