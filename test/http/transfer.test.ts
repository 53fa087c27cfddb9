import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { larebExportSchema } from '../../src/domain/side-effects/index.js';
import { signingKeyFor } from '../../src/exchange/keys.js';
import { ExchangeSender } from '../../src/exchange/sender.js';
import { remoteKeys } from '../../src/exchange/signing.js';
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
import { seedRegistryStaff } from '../support/registry.js';
import { signIn } from '../support/session.js';

const NOOR_BSN = makeBsn(7_100_001);
const YARA_BSN = makeBsn(7_100_002);

const person = (bsn: string, source: 'brp' | 'coa', given: string, family: string, birthDate: string) => ({
  bsn,
  source,
  given_name: given,
  name_prefix: null,
  family_name: family,
  gender: (source === 'coa' ? '1' : '2') as '1' | '2',
  birth_date: birthDate,
  street: null,
  house_number: null,
  house_letter: null,
  house_number_addition: null,
  postcode: null,
  city: null,
  municipality_code: null,
});

/**
 * Issue 12 across the dossier (two tenants) and the registry, with real HTTP delivery between them:
 * R-V8 dossier transfer (and its withdrawal), R-V9 vaccinating elsewhere (and linking an unmatched
 * notification by hand), R-V6 the registration form for youth without BSN, and side effects with the
 * Lareb export. One pair of databases and apps per backend, signed in once: the cases build on a
 * shared world, so their order matters where they count the outbox (each drains what it queues).
 */
describe.each(BACKENDS)('issue 12 — transfer, elsewhere, no BSN, side effects on %s', (backend) => {
  let dossierDb: TestDatabase<'dossier'>;
  let registryDb: TestDatabase<'registry'>;
  let dossier: App;
  let registry: App;
  let sender: ExchangeSender;
  const today = '2026-03-10';
  let authA: Record<string, string>;
  let authB: Record<string, string>;
  let adminA: Record<string, string>;
  let staff: Record<string, string>;
  let noorA = '';
  let custodianA = '';
  let seeded: { a: string[]; b: string[] };
  const persons: Record<string, string> = {};
  let registryUrl = '';

  beforeAll(async () => {
    [dossierDb, registryDb] = await Promise.all([
      createTestDatabase(backend, 'dossier'),
      createTestDatabase(backend, 'registry'),
    ]);
    const { db } = dossierDb.database;
    seeded = await seedTwoOrganisations(db);
    await seedRegistryStaff(registryDb.database.db);
    const noor = await db
      .insertInto('client')
      .values(clientRow(ORG_A.ura, 40, { given_name: 'Noor', bsn: NOOR_BSN, birth_date: '2019-02-02' }))
      .returning('id')
      .executeTakeFirstOrThrow();
    noorA = noor.id;
    // Yara is in care at B (her school is in B's area) and lives in A's area.
    await db
      .insertInto('client')
      .values(clientRow(ORG_B.ura, 41, { given_name: 'Yara', bsn: YARA_BSN, birth_date: '2013-04-04' }))
      .execute();
    const parent = await db
      .insertInto('related_person')
      .values({
        organisation_ura: ORG_A.ura,
        bsn: null,
        given_name: 'Fatma',
        name_prefix: null,
        family_name: 'Familie40',
        gender: '2',
        birth_date: '1990-01-01',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    custodianA = parent.id;
    await db
      .insertInto('client_relation')
      .values({ client_id: noorA, person_id: custodianA, relation: 'parent', has_custody: true })
      .execute();
    // BRP persons for the youth with a BSN; the COA registered Amir (and someone who is "Sarah"
    // where the dossier wrote "Sara").
    const rows = await registryDb.database.db
      .insertInto('person')
      .values([
        person(NOOR_BSN, 'brp', 'X', 'Y', '2015-06-01'),
        person(YARA_BSN, 'brp', 'X', 'Y', '2015-06-01'),
        person(makeBsn(7_200_001), 'coa', 'Amir', 'Haddad', '2009-07-07'),
        person(makeBsn(7_200_002), 'coa', 'Sarah', 'Nowak', '2009-09-09'),
        person(makeBsn(7_200_003), 'coa', 'Dawit', 'Tesfay', '2009-10-10'),
        person(makeBsn(7_200_004), 'coa', 'Hana', 'Bekele', '2009-11-11'),
      ])
      .returning(['id', 'given_name'])
      .execute();
    for (const r of rows) persons[r.given_name] = r.id;
    sender = new ExchangeSender({ db, registryUrl: () => registryUrl, today: () => today });
    dossier = await createDossierApp({
      database: dossierDb.database,
      logLevel: 'silent',
      today: () => today,
      exchange: { sender, registryUrl: () => registryUrl },
    });
    await dossier.listen({ host: '127.0.0.1', port: 0 });
    await signingKeyFor(db, ORG_A.ura);
    await signingKeyFor(db, ORG_B.ura);
    const keys = remoteKeys(
      `http://127.0.0.1:${(dossier.server.address() as AddressInfo).port}/.well-known/jwks.json`,
    );
    registry = await createRegistryApp({
      database: registryDb.database,
      logLevel: 'silent',
      trustedKeys: () => keys,
    });
    await registry.listen({ host: '127.0.0.1', port: 0 });
    registryUrl = `http://127.0.0.1:${(registry.server.address() as AddressInfo).port}`;
    [authA, authB, adminA, staff] = await Promise.all([
      signIn(dossier, USER_A),
      signIn(dossier, USER_B),
      signIn(dossier, ADMIN_A),
      signIn(registry, 'medewerker'),
    ]);
  });
  afterAll(async () => {
    await dossier?.close();
    await registry?.close();
    await Promise.all([dossierDb?.drop(), registryDb?.drop()]);
  });

  const call = (
    auth: Record<string, string>,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => dossier.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const vaccinate = async (auth: Record<string, string>, clientId: string, date: string) => {
    const response = await call(auth, 'POST', `/api/clients/${clientId}/activities`, {
      activityType: '01',
      activityDate: date,
      vaccinations: [{ vaccineType: '11', date, batchNumber: 'AB1', performer: 'GGD', location: 'Utrecht' }],
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; activityId: string; vaccinations: Array<{ id: string }> };
  };
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
  const outboxOf = (ura: string) =>
    dossierDb.database.db
      .selectFrom('outbox_message')
      .select(['id', 'activity_pk', 'state'])
      .where('organisation_ura', '=', ura)
      .execute();

  it('R-V8: transfers vaccinations and consent with provenance; the new organisation never resends them', async () => {
    // At A: the custodian says no; Noor is vaccinated; the nightly run sends it anonymously.
    const no = await call(authA, 'POST', `/api/clients/${noorA}/consent-records`, {
      agreed: false,
      sourcePersonId: custodianA,
      source: '03',
      date: '2026-01-05',
    });
    expect(no.statusCode, no.body).toBe(201);
    const shot = await vaccinate(authA, noorA, '2026-02-01');
    expect(await sender.runNightly()).toMatchObject({ sent: 1, anonymous: 1 });

    // Noor moves to B's area: A transfers; A's dossier becomes non-active (BDS 696 '02').
    const offer = await call(authA, 'POST', `/api/clients/${noorA}/transfer`, { toUra: ORG_B.ura });
    expect(offer.statusCode, offer.body).toBe(201);
    expect(offer.json()).toMatchObject({
      direction: 'outgoing',
      state: 'offered',
      consentDecision: 'geen-toestemming',
      counts: { activities: 1, vaccinations: 1, consentRecords: 1 },
    });
    const again = await call(authA, 'POST', `/api/clients/${noorA}/transfer`, { toUra: ORG_B.ura });
    expect(again.json().errors[0].rule).toBe('already-transferred');
    expect((await call(authA, 'GET', `/api/clients/${noorA}`)).json().dossierStatus).toBe('02');

    const incoming = (await call(authB, 'GET', '/api/transfers')).json().items;
    expect(incoming).toEqual([expect.objectContaining({ direction: 'incoming', fromUra: ORG_A.ura })]);
    const accepted = await call(authB, 'POST', `/api/transfers/${incoming[0].id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const noorB = accepted.json().clientId as string;
    expect((await call(authB, 'POST', `/api/transfers/${incoming[0].id}/accept`)).statusCode).toBe(409);

    // B's dossier: active, the vaccination with A as origin and no message of B's own.
    const detail = (await call(authB, 'GET', `/api/clients/${noorB}`)).json();
    expect(detail).toMatchObject({ dossierStatus: '01', bsn: NOOR_BSN });
    const activities = (await call(authB, 'GET', `/api/clients/${noorB}/activities`)).json().items;
    expect(activities).toEqual([
      expect.objectContaining({ activityId: shot.activityId, originUra: ORG_A.ura, messages: [] }),
    ]);
    // Consent on the transfer day is the same, with the evidence's own date and origin.
    const consent = (await call(authB, 'GET', `/api/clients/${noorB}/consent?on=${today}`)).json();
    expect(consent.evaluation.decision).toBe('geen-toestemming');
    expect(consent.records).toEqual([expect.objectContaining({ agreed: false, date: '2026-01-05' })]);
    const stored = await dossierDb.database.db
      .selectFrom('consent_record')
      .select(['origin_ura', 'organisation_ura'])
      .where('client_id', '=', noorB)
      .execute();
    expect(stored).toEqual([{ origin_ura: ORG_A.ura, organisation_ura: ORG_B.ura }]);

    // B may not correct what A recorded.
    const vaccinationId = activities[0].vaccinations[0].id as string;
    expect(
      (await call(authB, 'PATCH', `/api/vaccinations/${vaccinationId}`, { batchNumber: 'X' })).statusCode,
    ).toBe(403);

    // Later the custodian consents at B: consent now, but no repair of A's vaccination by B …
    const custodianB = consent.persons.find((p: { role: string }) => p.role === 'custodian').id as string;
    const yes = await call(authB, 'POST', `/api/clients/${noorB}/consent-records`, {
      agreed: true,
      sourcePersonId: custodianB,
      source: '03',
      date: today,
    });
    expect(yes.statusCode, yes.body).toBe(201);
    expect(yes.json()).toMatchObject({ evaluation: { decision: 'toestemming' }, repairsQueued: 0 });
    // … and none by A either, even if A registers a yes in its closed dossier (seed 001 §3.15).
    const yesAtA = await call(authA, 'POST', `/api/clients/${noorA}/consent-records`, {
      agreed: true,
      sourcePersonId: custodianA,
      source: '03',
      date: today,
    });
    expect(yesAtA.json()).toMatchObject({ evaluation: { decision: 'toestemming' }, repairsQueued: 0 });
    const night = await sender.runNightly();
    expect(night.attempted).toBe(0);
    const rows = await registryRows(shot.activityId);
    expect(rows.personalised).toHaveLength(0);
    expect(rows.anonymous).toEqual([expect.objectContaining({ organisation_ura: ORG_A.ura })]);
    const outboxB = await dossierDb.database.db
      .selectFrom('outbox_message')
      .select('id')
      .where('organisation_ura', '=', ORG_B.ura)
      .execute();
    expect(outboxB).toHaveLength(0);

    // B's own new vaccination goes personalised, with B as the consent's organisation (R-C7).
    const own = await vaccinate(authB, noorB, today);
    expect(await sender.runNightly()).toMatchObject({ sent: 1, personalised: 1 });
    const ownRows = await registryRows(own.activityId);
    expect(ownRows.personalised).toEqual([expect.objectContaining({ organisation_ura: ORG_B.ura })]);
  });

  it('R-V8: refuses a transfer to itself or to an unknown organisation, and a transfer of another’s client', async () => {
    const self = await call(authA, 'POST', `/api/clients/${noorA}/transfer`, { toUra: ORG_A.ura });
    expect(self.json().errors[0]).toMatchObject({ field: 'body.toUra', rule: 'other-organisation' });
    const unknown = await call(authB, 'POST', `/api/clients/${noorA}/transfer`, { toUra: '12345678' });
    expect(unknown.json().errors[0]).toMatchObject({ field: 'body.toUra', rule: 'known-organisation' });
    const foreign = await call(authB, 'POST', `/api/clients/${noorA}/transfer`, { toUra: ORG_A.ura });
    expect(foreign.statusCode).toBe(404);
  });

  it('R-V9: A vaccinates a youth in B’s care in a non-active dossier and, with consent to inform, B’s dossier shows it', async () => {
    const created = await call(authA, 'POST', '/api/clients', {
      bsn: YARA_BSN,
      givenName: 'Yara',
      familyName: 'Familie41',
      gender: '2',
      birthDate: '2013-04-04',
      caringUra: ORG_B.ura,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().dossierStatus).toBe('02');
    const yaraA = created.json().id as string;
    const shot = await vaccinate(authA, yaraA, '2026-03-02');

    // Without consent to inform third parties nothing goes to B.
    const refused = await call(authA, 'POST', `/api/clients/${yaraA}/third-party-notifications`, {
      activityPk: shot.id,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0].rule).toBe('third-party-consent-required');

    const consent = await call(authA, 'POST', `/api/clients/${yaraA}/third-party-consents`, {
      agreed: true,
      source: 'custodian',
      recipientUra: ORG_B.ura,
      explanation: 'Vaccinatiegegevens worden doorgegeven aan GGD Testregio B.',
      date: '2026-03-02',
    });
    expect(consent.statusCode, consent.body).toBe(201);
    const told = await call(authA, 'POST', `/api/clients/${yaraA}/third-party-notifications`, {
      activityPk: shot.id,
    });
    expect(told.statusCode, told.body).toBe(201);
    expect(told.json()).toMatchObject({ state: 'delivered', toUra: ORG_B.ura });

    const yaraB = (await call(authB, 'GET', '/api/clients?search=Yara')).json().items[0].id as string;
    const activities = (await call(authB, 'GET', `/api/clients/${yaraB}/activities`)).json().items;
    expect(activities).toEqual([
      expect.objectContaining({ activityId: shot.activityId, originUra: ORG_A.ura, messages: [] }),
    ]);
    const inbox = (await call(authB, 'GET', '/api/third-party-notifications')).json().items;
    expect(inbox).toEqual([
      expect.objectContaining({ direction: 'incoming', state: 'delivered', toClientId: yaraB }),
    ]);

    // A's own message goes anonymously (no exchange consent at A); B never sends A's vaccination.
    expect(await sender.runNightly()).toMatchObject({ sent: 1, anonymous: 1 });
    const rows = await registryRows(shot.activityId);
    expect(rows.anonymous).toEqual([expect.objectContaining({ organisation_ura: ORG_A.ura })]);
    const twice = await call(authA, 'POST', `/api/clients/${yaraA}/third-party-notifications`, {
      activityPk: shot.id,
    });
    expect(twice.statusCode).toBe(409);
  });

  it('R-V8: the sender withdraws an offer before acceptance; its dossier is active again', async () => {
    const emmaA = seeded.a[1]!;
    const offer = await call(authA, 'POST', `/api/clients/${emmaA}/transfer`, { toUra: ORG_B.ura });
    expect(offer.statusCode, offer.body).toBe(201);
    const transferId = offer.json().id as string;
    expect((await call(authA, 'GET', `/api/clients/${emmaA}`)).json().dossierStatus).toBe('02');

    // Only the sender may withdraw; the receiver gets 404 as if the offer were not its to touch.
    expect((await call(authB, 'POST', `/api/transfers/${transferId}/withdraw`)).statusCode).toBe(404);
    const withdrawn = await call(authA, 'POST', `/api/transfers/${transferId}/withdraw`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ id: transferId, state: 'withdrawn', direction: 'outgoing' });
    expect((await call(authA, 'GET', `/api/clients/${emmaA}`)).json().dossierStatus).toBe('01');
    const client = await dossierDb.database.db
      .selectFrom('client')
      .select(['transferred_to_ura', 'transferred_on'])
      .where('id', '=', emmaA)
      .executeTakeFirstOrThrow();
    expect(client).toEqual({ transferred_to_ura: null, transferred_on: null });

    // The receiver can no longer take it over, and sees it as withdrawn; a second withdraw is 409.
    const late = await call(authB, 'POST', `/api/transfers/${transferId}/accept`);
    expect(late.statusCode).toBe(409);
    expect(late.json().errors[0]).toMatchObject({ field: 'params.id', rule: 'withdrawn' });
    const seen = (await call(authB, 'GET', '/api/transfers')).json().items;
    expect(seen).toContainEqual(expect.objectContaining({ id: transferId, state: 'withdrawn' }));
    expect((await call(authA, 'POST', `/api/transfers/${transferId}/withdraw`)).json().errors[0].rule).toBe(
      'withdrawn',
    );
    const emmaB = await dossierDb.database.db
      .selectFrom('client')
      .select('id')
      .where('organisation_ura', '=', ORG_B.ura)
      .where('bsn', '=', '123456782')
      .execute();
    expect(emmaB).toHaveLength(0);

    // A new offer is possible (history keeps the withdrawn one) and can be accepted as usual.
    const again = await call(authA, 'POST', `/api/clients/${emmaA}/transfer`, { toUra: ORG_B.ura });
    expect(again.statusCode, again.body).toBe(201);
    const accepted = await call(authB, 'POST', `/api/transfers/${again.json().id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(
      (await call(authA, 'POST', `/api/transfers/${again.json().id}/withdraw`)).json().errors[0].rule,
    ).toBe('already-accepted');
  });

  it('R-V9: an unmatched notification (youth without BSN) is linked by hand by the caring organisation', async () => {
    // A vaccinates Lina, who has no BSN and is in care at B; B's dossier for her cannot be found by BSN.
    const created = await call(authA, 'POST', '/api/clients', {
      bsn: null,
      givenName: 'Lina',
      familyName: 'Haddad',
      gender: '2',
      birthDate: '2012-05-05',
      caringUra: ORG_B.ura,
    });
    expect(created.statusCode, created.body).toBe(201);
    const linaA = created.json().id as string;
    const shot = await vaccinate(authA, linaA, '2026-03-03');
    await call(authA, 'POST', `/api/clients/${linaA}/third-party-consents`, {
      agreed: true,
      source: 'custodian',
      recipientUra: ORG_B.ura,
      explanation: 'Vaccinatiegegevens naar GGD Testregio B.',
      date: '2026-03-03',
    });
    const told = await call(authA, 'POST', `/api/clients/${linaA}/third-party-notifications`, {
      activityPk: shot.id,
    });
    expect(told.json()).toMatchObject({ state: 'unmatched', toUra: ORG_B.ura });
    const notificationId = told.json().id as string;

    const inbox = (await call(authB, 'GET', '/api/third-party-notifications')).json().items;
    const item = inbox.find((n: { id: string }) => n.id === notificationId);
    expect(item).toMatchObject({
      direction: 'incoming',
      state: 'unmatched',
      toClientId: null,
      youth: { bsn: null, birthDate: '2012-05-05', familyName: 'Haddad' },
    });

    // B has her dossier (made when she started school there, without BSN).
    const linaB = await call(authB, 'POST', '/api/clients', {
      bsn: null,
      givenName: 'Lina',
      familyName: 'Haddad',
      gender: '2',
      birthDate: '2012-05-05',
    });
    expect(linaB.statusCode, linaB.body).toBe(201);
    const linaBId = linaB.json().id as string;

    // Guards: the sender cannot link; another youth (other birth date) or a stranger's dossier is refused.
    const bySender = await call(authA, 'POST', `/api/third-party-notifications/${notificationId}/link`, {
      clientId: linaA,
    });
    expect(bySender.statusCode).toBe(404);
    const wrong = await call(authB, 'POST', `/api/third-party-notifications/${notificationId}/link`, {
      clientId: seeded.b[0],
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'body.clientId', rule: 'same-birth-date' });
    const foreign = await call(authB, 'POST', `/api/third-party-notifications/${notificationId}/link`, {
      clientId: linaA,
    });
    expect(foreign.json().errors[0].rule).toBe('own-dossier');

    const linked = await call(authB, 'POST', `/api/third-party-notifications/${notificationId}/link`, {
      clientId: linaBId,
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({ state: 'delivered', toClientId: linaBId });
    const activities = (await call(authB, 'GET', `/api/clients/${linaBId}/activities`)).json().items;
    expect(activities).toEqual([
      expect.objectContaining({ activityId: shot.activityId, originUra: ORG_A.ura, messages: [] }),
    ]);
    const after = (await call(authB, 'GET', '/api/third-party-notifications')).json().items;
    expect(after.find((n: { id: string }) => n.id === notificationId)).toMatchObject({
      state: 'delivered',
      toClientId: linaBId,
      linkedBy: USER_B,
    });
    const twice = await call(authB, 'POST', `/api/third-party-notifications/${notificationId}/link`, {
      clientId: linaBId,
    });
    expect(twice.json().errors[0].rule).toBe('already-linked');

    // A's own (anonymous) message goes out; B sends nothing for the linked vaccination.
    expect(await sender.runNightly()).toMatchObject({ sent: 1, anonymous: 1 });
    expect((await outboxOf(ORG_B.ura)).filter((m) => m.activity_pk === linked.json().toActivityPk)).toEqual(
      [],
    );
  });

  describe('R-V6: youth without BSN and the registration form', () => {
    /** A 16-year-old without BSN, optionally with their own consent, vaccinated today. */
    const youth = async (givenName: string, familyName: string, birthDate: string, consent: boolean) => {
      const created = await call(authA, 'POST', '/api/clients', {
        bsn: null,
        givenName,
        familyName,
        gender: '1',
        birthDate,
        postcode: '3511 AB',
        houseNumber: 4,
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      if (consent) {
        const yes = await call(authA, 'POST', `/api/clients/${id}/consent-records`, {
          agreed: true,
          sourcePersonId: 'self',
          source: '01',
          date: today,
        });
        expect(yes.statusCode, yes.body).toBe(201);
      }
      const shot = await call(authA, 'POST', `/api/clients/${id}/activities`, {
        activityType: '01',
        activityDate: today,
        vaccinations: [
          { vaccineType: '09', date: today, batchNumber: 'HPV9', performer: 'GGD', location: 'AZC' },
        ],
      });
      expect(shot.statusCode, shot.body).toBe(201);
      return {
        id,
        activityPk: shot.json().id as string,
        activityId: shot.json().activityId as string,
        vaccinationId: shot.json().vaccinations[0].id as string,
      };
    };

    it('with consent: a personalised form, matched to the COA person, with the consent fact; no 4a follows', async () => {
      const amir = await youth('Amir', 'Haddad', '2009-07-07', true);
      const preview = await call(
        authA,
        'GET',
        `/api/clients/${amir.id}/registration-form?activityPk=${amir.activityPk}`,
      );
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({
        consentDecision: 'toestemming',
        form: { kind: 'personalised', identity: { givenName: 'Amir', postcode: '3511AB' } },
      });
      const sent = await call(authA, 'POST', `/api/clients/${amir.id}/registration-form`, {
        activityPk: amir.activityPk,
        personalised: true,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      expect(sent.json()).toMatchObject({ outcome: 'matched', kind: 'personalised' });
      const rows = await registryRows(amir.activityId);
      expect(rows.personalised).toEqual([
        expect.objectContaining({ person_id: persons.Amir, vaccine_type: '09' }),
      ]);
      expect(rows.anonymous).toHaveLength(0);
      const fact = await registryDb.database.db
        .selectFrom('consent_fact')
        .selectAll()
        .where('person_id', '=', persons.Amir!)
        .execute();
      expect(fact).toEqual([expect.objectContaining({ organisation_ura: ORG_A.ura, consent_date: today })]);
      // The activity's anonymous message was superseded by the form; the same form again is a duplicate.
      expect((await sender.runNightly()).attempted).toBe(0);
      const again = await call(authA, 'POST', `/api/clients/${amir.id}/registration-form`, {
        activityPk: amir.activityPk,
        personalised: true,
      });
      expect(again.json().outcome).toBe('duplicate');
      expect((await registryRows(amir.activityId)).personalised).toHaveLength(1);
    });

    it('without consent: only anonymous, stored without any link or personal data', async () => {
      const milan = await youth('Milan', 'Kowalski', '2009-08-08', false);
      const personal = await call(authA, 'POST', `/api/clients/${milan.id}/registration-form`, {
        activityPk: milan.activityPk,
        personalised: true,
      });
      expect(personal.statusCode).toBe(422);
      expect(personal.json().errors[0]).toMatchObject({
        field: 'body.personalised',
        rule: 'personalised-needs-consent',
      });
      const sent = await call(authA, 'POST', `/api/clients/${milan.id}/registration-form`, {
        activityPk: milan.activityPk,
        personalised: false,
      });
      expect(sent.json()).toMatchObject({ outcome: 'anonymous', kind: 'anonymous' });
      const rows = await registryRows(milan.activityId);
      expect(rows.personalised).toHaveLength(0);
      expect(rows.anonymous).toHaveLength(1);
      const form = await registryDb.database.db
        .selectFrom('registration_form')
        .selectAll()
        .where('activity_id', '=', milan.activityId)
        .executeTakeFirstOrThrow();
      expect(form.identity).toBeNull();
      for (const personal of ['Milan', 'Kowalski', '2009-08-08', '3511']) {
        expect(JSON.stringify([rows.anonymous, form])).not.toContain(personal);
      }
    });

    it('no single match: the form waits unmatched until registry staff link it to a person', async () => {
      const sara = await youth('Sara', 'Nowak', '2009-09-09', true);
      const sent = await call(authA, 'POST', `/api/clients/${sara.id}/registration-form`, {
        activityPk: sara.activityPk,
        personalised: true,
      });
      expect(sent.json().outcome).toBe('unmatched');
      expect(await registryRows(sara.activityId)).toEqual({ personalised: [], anonymous: [] });

      const list = await registry.inject({ url: '/api/registration-forms/unmatched', headers: staff });
      expect(list.statusCode, list.body).toBe(200);
      const item = list.json().items.find((i: { activityId: string }) => i.activityId === sara.activityId);
      expect(item.identity).toMatchObject({
        givenName: 'Sara',
        familyName: 'Nowak',
        birthDate: '2009-09-09',
      });
      expect(item.candidates).toEqual([expect.objectContaining({ id: persons.Sarah, source: 'coa' })]);

      const bad = await registry.inject({
        method: 'POST',
        url: `/api/registration-forms/${item.id}/resolve`,
        headers: staff,
        payload: { personId: '00000000-0000-4000-8000-000000000000' },
      });
      expect(bad.json().errors[0].rule).toBe('known-person');
      const linked = await registry.inject({
        method: 'POST',
        url: `/api/registration-forms/${item.id}/resolve`,
        headers: staff,
        payload: { personId: persons.Sarah },
      });
      expect(linked.statusCode, linked.body).toBe(200);
      expect((await registryRows(sara.activityId)).personalised).toEqual([
        expect.objectContaining({ person_id: persons.Sarah }),
      ]);
      // Once linked the identifying data is gone from the form, and it leaves the worklist.
      const form = await registryDb.database.db
        .selectFrom('registration_form')
        .select(['identity', 'status'])
        .where('id', '=', item.id)
        .executeTakeFirstOrThrow();
      expect(form).toEqual({ identity: null, status: 'matched' });
      // A correction resends the form; the automatic match still finds no one, so staff's link stays.
      const moved = await call(authA, 'PATCH', `/api/vaccinations/${sara.vaccinationId}`, {
        location: 'AZC Zeist',
      });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(await sender.runNightly()).toMatchObject({ attempted: 1, sent: 1, personalised: 1 });
      expect((await registryRows(sara.activityId)).personalised).toEqual([
        expect.objectContaining({ person_id: persons.Sarah, location: 'AZC Zeist', version: 2 }),
      ]);
      const twice = await registry.inject({
        method: 'POST',
        url: `/api/registration-forms/${item.id}/resolve`,
        headers: staff,
        payload: { keepAnonymous: true },
      });
      expect(twice.statusCode).toBe(409);
    });

    const submitForm = async (y: { id: string; activityPk: string }, personalised: boolean) => {
      const sent = await call(authA, 'POST', `/api/clients/${y.id}/registration-form`, {
        activityPk: y.activityPk,
        personalised,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      return sent.json().outcome as string;
    };
    const formAtRegistry = (activityId: string) =>
      registryDb.database.db
        .selectFrom('registration_form')
        .select(['version', 'status', 'person_id', 'identity'])
        .where('activity_id', '=', activityId)
        .executeTakeFirst();
    const outboxRow = (activityPk: string, version: number) =>
      dossierDb.database.db
        .selectFrom('outbox_message')
        .select(['state', 'sent_kind', 'registry_outcome', 'attempts', 'last_error'])
        .where('activity_pk', '=', activityPk)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();

    it('a correction of a matched form resends the form: the registry keeps it personalised, corrected', async () => {
      const dawit = await youth('Dawit', 'Tesfay', '2009-10-10', true);
      expect(await submitForm(dawit, true)).toBe('matched');
      const corrected = await call(authA, 'PATCH', `/api/vaccinations/${dawit.vaccinationId}`, {
        batchNumber: 'HPV9-B',
      });
      expect(corrected.statusCode, corrected.body).toBe(200);
      // The nightly run sends the new version as a form, not as a 4a that would make it anonymous.
      expect(await sender.runNightly()).toMatchObject({
        attempted: 1,
        sent: 1,
        personalised: 1,
        anonymous: 0,
      });
      const rows = await registryRows(dawit.activityId);
      expect(rows.anonymous).toHaveLength(0);
      expect(rows.personalised).toEqual([
        expect.objectContaining({ person_id: persons.Dawit, batch_number: 'HPV9-B', version: 2 }),
      ]);
      expect(await formAtRegistry(dawit.activityId)).toEqual({
        version: 2,
        status: 'matched',
        person_id: persons.Dawit,
        identity: null,
      });
      expect(await outboxRow(dawit.activityPk, 2)).toMatchObject({
        state: 'sent',
        sent_kind: 'personalised',
        registry_outcome: 'matched',
      });
      const preview = await call(
        authA,
        'GET',
        `/api/clients/${dawit.id}/registration-form?activityPk=${dawit.activityPk}`,
      );
      expect(preview.json().submissions.map((x: { version: number }) => x.version)).toEqual([2, 1]);
      // Nothing is left to send; the same version again is a duplicate at the registry.
      expect((await sender.runNightly()).attempted).toBe(0);
      expect(await submitForm(dawit, true)).toBe('duplicate');
      expect((await registryRows(dawit.activityId)).personalised).toHaveLength(1);
    });

    it('a cancellation retracts the form: the registry no longer holds the vaccination or the form', async () => {
      const hana = await youth('Hana', 'Bekele', '2009-11-11', true);
      const lina = await youth('Lina', 'Onbekend', '2009-12-12', true);
      expect(await submitForm(hana, true)).toBe('matched');
      expect(await submitForm(lina, true)).toBe('unmatched');
      for (const y of [hana, lina]) {
        const cancelled = await call(authA, 'DELETE', `/api/vaccinations/${y.vaccinationId}`);
        expect(cancelled.statusCode, cancelled.body).toBe(200);
      }
      expect(await sender.runNightly()).toMatchObject({ attempted: 2, sent: 2, failed: 0 });
      for (const y of [hana, lina]) {
        expect(await registryRows(y.activityId)).toEqual({ personalised: [], anonymous: [] });
        expect(await formAtRegistry(y.activityId)).toBeUndefined();
        expect(await outboxRow(y.activityPk, 2)).toMatchObject({
          state: 'sent',
          registry_outcome: 'retracted',
        });
      }
      // The unmatched form left the staff worklist, with the identifying data it held.
      const list = await registry.inject({ url: '/api/registration-forms/unmatched', headers: staff });
      expect(list.json().items.map((i: { activityId: string }) => i.activityId)).not.toContain(
        lina.activityId,
      );
      expect((await sender.runNightly()).attempted).toBe(0);
    });

    it('registry down during the resend: the form waits in the outbox and goes on the next run, once', async () => {
      const eden = await youth('Eden', 'Haile', '2009-05-05', false);
      expect(await submitForm(eden, false)).toBe('anonymous');
      const corrected = await call(authA, 'PATCH', `/api/vaccinations/${eden.vaccinationId}`, {
        batchNumber: 'HPV9-C',
      });
      expect(corrected.statusCode, corrected.body).toBe(200);
      let down = true;
      let loseAnswer = false;
      const flaky = new ExchangeSender({
        db: dossierDb.database.db,
        registryUrl: () => registryUrl,
        today: () => today,
        backoffMs: () => 0,
        fetch: async (input, init) => {
          if (down) throw new TypeError('fetch failed: connect ECONNREFUSED');
          const response = await fetch(input, init);
          if (loseAnswer) {
            loseAnswer = false;
            throw new Error('connection reset after the registry committed');
          }
          return response;
        },
      });
      expect(await flaky.runNightly()).toMatchObject({ attempted: 1, failed: 1, sent: 0 });
      const waiting = await outboxRow(eden.activityPk, 2);
      expect(waiting).toMatchObject({ state: 'queued', attempts: 1 });
      expect(waiting.last_error).toContain('ECONNREFUSED');
      expect((await registryRows(eden.activityId)).anonymous).toEqual([
        expect.objectContaining({ batch_number: 'HPV9', version: 1 }),
      ]);
      // Back, but the answer is lost after the registry committed: still queued, retried with one effect.
      down = false;
      loseAnswer = true;
      expect(await flaky.deliverDue()).toMatchObject({ attempted: 1, failed: 1 });
      expect(await flaky.deliverDue()).toMatchObject({ attempted: 1, sent: 1, anonymous: 1 });
      expect(await outboxRow(eden.activityPk, 2)).toMatchObject({
        state: 'sent',
        sent_kind: 'anonymous',
        registry_outcome: 'duplicate',
      });
      const rows = await registryRows(eden.activityId);
      expect(rows.personalised).toHaveLength(0);
      expect(rows.anonymous).toEqual([expect.objectContaining({ batch_number: 'HPV9-C', version: 2 })]);
    });

    it('a youth with a BSN uses the message exchange, not the form; forged forms are refused', async () => {
      const withBsn = await dossierDb.database.db
        .insertInto('client')
        .values(clientRow(ORG_A.ura, 60, { bsn: makeBsn(7_200_009) }))
        .returning('id')
        .executeTakeFirstOrThrow();
      const shot = await call(authA, 'POST', `/api/clients/${withBsn.id}/activities`, {
        activityType: '01',
        activityDate: today,
        vaccinations: [
          { vaccineType: '09', date: today, batchNumber: 'HPV9', performer: 'GGD', location: 'AZC' },
        ],
      });
      const refused = await call(authA, 'POST', `/api/clients/${withBsn.id}/registration-form`, {
        activityPk: shot.json().id,
        personalised: false,
      });
      expect(refused.json().errors[0].rule).toBe('no-bsn-only');
      const forged = await registry.inject({
        method: 'POST',
        url: '/api/exchange/registration-forms',
        payload: { form: 'a.b.c' },
      });
      expect(forged.json()).toMatchObject({ outcome: 'refused' });
    });
  });

  describe('side effects and the export for Lareb', () => {
    let clientId = '';
    let vaccinationId = '';
    beforeAll(async () => {
      clientId = seeded.a[0]!;
      vaccinationId = (await vaccinate(authA, clientId, '2026-03-02')).vaccinations[0]!.id;
    });

    const report = {
      reportedOn: '2026-03-04',
      reporter: 'custodian',
      onsetDate: '2026-03-02',
      reactions: ['fever', 'febrile-seizure'],
      description: 'Koortsstuip de avond na de prik; een nacht in het ziekenhuis.',
      seriousness: ['hospitalisation'],
      outcome: 'recovered',
    };

    it('records a reported side effect and exports it for Lareb without name, BSN or birth date', async () => {
      const created = await dossier.inject({
        method: 'POST',
        url: `/api/clients/${clientId}/side-effects`,
        headers: authA,
        payload: { ...report, vaccinationId },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ serious: true, vaccineType: '11', batchNumber: 'AB1' });
      const list = await dossier.inject({ url: `/api/clients/${clientId}/side-effects`, headers: authA });
      expect(list.json().items).toHaveLength(1);

      const exported = await dossier.inject({
        url: '/api/side-effects/lareb-export?from=2026-03-01&to=2026-03-31',
        headers: adminA,
      });
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.headers['content-disposition']).toContain('lareb-2026-03-01-2026-03-31.json');
      const doc = larebExportSchema.parse(exported.json());
      expect(doc.reports).toHaveLength(1);
      expect(doc.reports[0]).toMatchObject({
        patient: { 'D.1': 'DJ', 'D.2.2b': 'a', 'D.5': '1' },
        drugs: [{ 'G.k.4.r.7': 'AB1', 'G.k.9.i.3.1a': 0 }],
      });
      for (const personal of ['Daan', 'Jansen', '111222333', '2015-06-01', 'Dorpsstraat']) {
        expect(exported.body).not.toContain(personal);
      }
      const empty = await dossier.inject({
        url: '/api/side-effects/lareb-export?from=2026-04-01&to=2026-04-30',
        headers: adminA,
      });
      expect(empty.json().reports).toEqual([]);
    });

    it('refuses bad input with the field and rule, and another organisation sees nothing', async () => {
      const early = await dossier.inject({
        method: 'POST',
        url: `/api/clients/${clientId}/side-effects`,
        headers: authA,
        payload: { ...report, vaccinationId, onsetDate: '2026-03-01', reportedOn: '2026-03-01' },
      });
      expect(early.statusCode).toBe(422);
      expect(early.json().errors[0]).toMatchObject({
        field: 'body.onsetDate',
        rule: 'onset-not-before-vaccination',
      });
      const unknownCode = await dossier.inject({
        method: 'POST',
        url: `/api/clients/${clientId}/side-effects`,
        headers: authA,
        payload: { ...report, vaccinationId, reactions: ['itching'] },
      });
      expect(unknownCode.statusCode).toBe(400);
      const foreign = await dossier.inject({
        method: 'POST',
        url: `/api/clients/${clientId}/side-effects`,
        headers: authB,
        payload: { ...report, vaccinationId },
      });
      expect(foreign.statusCode).toBe(404);
      const exportB = await dossier.inject({
        url: '/api/side-effects/lareb-export?from=2026-01-01&to=2026-12-31',
        headers: authB,
      });
      expect(exportB.json().reports).toEqual([]);
      const reversed = await dossier.inject({
        url: '/api/side-effects/lareb-export?from=2026-12-01&to=2026-01-01',
        headers: authB,
      });
      expect(reversed.json().errors[0].rule).toBe('from-not-after-to');
    });
  });
});
