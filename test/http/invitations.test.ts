import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { localKeys, newSigningKey, signPayload } from '../../src/exchange/signing.js';
import { runInvitations } from '../../src/registry/invitations.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { signIn, testPasswordHash } from '../support/session.js';

const ORG = '90000101';
const TODAY = '2026-11-23';

describe.each(BACKENDS)('invitation and reminder runs on %s', (backend) => {
  let test: TestDatabase<'registry'>;
  let app: App;
  let headers: Record<string, string>;
  const people: Record<string, string> = {};

  beforeAll(async () => {
    test = await createTestDatabase(backend, 'registry');
    const { db } = test.database;
    await db.insertInto('organisation').values({ ura: ORG, name: 'GGD Testregio' }).execute();
    await db
      .insertInto('municipality')
      .values({ code: 'GM0344', name: 'Utrecht', province: 'Utrecht', organisation_ura: ORG })
      .execute();
    await db
      .insertInto('staff_user')
      .values({
        id: 'rivm',
        name: 'RIVM',
        role: 'registry-staff',
        organisation_name: 'RIVM-DVP',
        password_hash: await testPasswordHash(),
        locked_until: null,
      })
      .execute();
    // Babies born late September/early October 2026 are due for their first doses (6 weeks) in November;
    // the toddler born in 2024 is fully vaccinated for those; the deceased baby gets nothing.
    const births: Array<[string, string, string | null]> = [
      ['Anna', '2026-09-25', null],
      ['Bram', '2026-10-05', null],
      ['Cas', '2026-09-15', '2026-10-01'],
      ['Dewi', '2024-01-10', null],
    ];
    for (const [index, [name, birthDate, deceased]] of births.entries()) {
      const row = await db
        .insertInto('person')
        .values({
          bsn: makeBsn(8_000_000 + index),
          source: 'brp',
          given_name: name,
          name_prefix: null,
          family_name: 'Test',
          gender: '2',
          birth_date: birthDate,
          street: 'Dorpsstraat',
          house_number: index + 1,
          house_letter: null,
          house_number_addition: null,
          postcode: '3511AB',
          city: 'Utrecht',
          municipality_code: 'GM0344',
          deceased_on: deceased,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      people[name] = row.id;
    }
    const dose = (date: string, vaccineType: string, n: number) => ({
      person_id: people.Dewi!,
      organisation_ura: ORG,
      activity_id: `DEWI${n}`,
      activity_type: '01',
      activity_date: date,
      version: 1,
      vaccine_type: vaccineType,
      vaccination_date: date,
      batch_number: 'B',
      performer: 'GGD',
      location: 'Utrecht',
      objection: null,
    });
    await db
      .insertInto('vaccination_event')
      .values([
        dose('2024-03-12', '11', 1),
        dose('2024-03-12', '08', 2),
        dose('2024-04-12', '11', 3),
        dose('2024-06-12', '11', 4),
        dose('2024-06-12', '08', 5),
        dose('2025-01-12', '11', 6),
        dose('2025-01-12', '08', 7),
      ])
      .execute();
    app = await createRegistryApp({ database: test.database, logLevel: 'silent', today: () => TODAY });
    headers = await signIn(app, 'rivm');
  });
  afterAll(async () => {
    await app?.close();
    await test?.drop();
  });

  const invitedNames = async (kind: 'invitation' | 'reminder' | 'group-session') =>
    (
      await test.database.db
        .selectFrom('invitation as i')
        .innerJoin('person as p', 'p.id', 'i.person_id')
        .select(['p.given_name', 'i.vaccine_group'])
        .where('i.kind', '=', kind)
        .execute()
    ).map((r) => r.given_name);

  it('invites everyone whose scheduled date falls in the period, once, and records who started it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/invitation-runs',
      headers,
      payload: { kind: 'invitation', from: '2026-11-01', to: '2026-11-30' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const run = response.json();
    expect(run).toMatchObject({ kind: 'invitation', startedBy: 'rivm', personsSeen: 3 });
    expect(run.finishedAt).not.toBeNull();
    const names = new Set(await invitedNames('invitation'));
    expect(names).toEqual(new Set(['Anna', 'Bram']));
    expect(run.letters).toBe(2);

    const again = await app.inject({
      method: 'POST',
      url: '/api/invitation-runs',
      headers,
      payload: { kind: 'invitation', from: '2026-11-01', to: '2026-11-30' },
    });
    expect(again.json()).toMatchObject({ id: run.id, invitations: run.invitations, letters: 2 });
    // An overlapping period adds no letter for what was already sent.
    const overlap = await runInvitations(test.database.db, {
      kind: 'invitation',
      from: '2026-11-15',
      to: '2026-12-10',
      startedBy: 'rivm',
      today: TODAY,
    });
    const sent = await test.database.db
      .selectFrom('invitation')
      .select(['person_id', 'vaccine_group', 'dose_number'])
      .execute();
    expect(new Set(sent.map((s) => `${s.person_id}|${s.vaccine_group}|${s.dose_number}`)).size).toBe(
      sent.length,
    );
    expect(overlap.invitations).toBe(sent.length - run.invitations);
  });

  it('renders each letter as a PDF with a card per vaccination and a certificate with the first', async () => {
    const runs = (await app.inject({ url: '/api/invitation-runs', headers })).json().items;
    const letters = (
      await app.inject({ url: `/api/invitation-runs/${runs.at(-1).id}/letters`, headers })
    ).json().items;
    expect(letters.every((l: { withCertificate: boolean }) => l.withCertificate)).toBe(true);
    const response = await app.inject({ url: `/api/invitation-letters/${letters[0].id}/pdf`, headers });
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = await PDFDocument.load(response.rawPayload);
    expect(pdf.getPageCount()).toBe(1 + letters[0].invitations.length + 1);
  });

  it('adds the organisation’s one double-sided A4 insert to its letters', async () => {
    const pdfOf = async (pages: number) => {
      const doc = await PDFDocument.create();
      for (let i = 0; i < pages; i++) doc.addPage();
      return Buffer.from(await doc.save());
    };
    const put = async (body: Buffer | string, contentType = 'application/pdf') =>
      app.inject({
        method: 'PUT',
        url: `/api/organisations/${ORG}/insert`,
        headers: { ...headers, 'content-type': contentType },
        payload: body,
      });
    expect((await put(await pdfOf(3))).json().errors[0].rule).toBe('insert-one-sheet');
    expect((await put(Buffer.from('geen pdf'))).json().errors[0].rule).toBe('pdf-invalid');
    expect((await put(await pdfOf(2))).statusCode).toBe(204);
    const runs = (await app.inject({ url: '/api/invitation-runs', headers })).json().items;
    const letters = (
      await app.inject({ url: `/api/invitation-runs/${runs.at(-1).id}/letters`, headers })
    ).json().items;
    const response = await app.inject({ url: `/api/invitation-letters/${letters[0].id}/pdf`, headers });
    const pdf = await PDFDocument.load(response.rawPayload);
    expect(pdf.getPageCount()).toBe(1 + letters[0].invitations.length + 1 + 2);
  });

  it('resumes an interrupted run without sending anything twice', async () => {
    await expect(
      runInvitations(test.database.db, {
        kind: 'invitation',
        from: '2027-01-01',
        to: '2027-03-31',
        startedBy: 'rivm',
        today: TODAY,
        batchSize: 1,
        failAfterBatches: 2,
      }),
    ).rejects.toThrow(/interrupted/);
    const resumed = await runInvitations(test.database.db, {
      kind: 'invitation',
      from: '2027-01-01',
      to: '2027-03-31',
      startedBy: 'rivm',
      today: TODAY,
      batchSize: 1,
    });
    expect(resumed.personsSeen).toBe(3);
    const rows = await test.database.db
      .selectFrom('invitation')
      .select(['person_id', 'vaccine_group', 'dose_number', 'kind'])
      .execute();
    expect(new Set(rows.map((r) => JSON.stringify(r))).size).toBe(rows.length);
  });

  it('reminds 4 to 12 months later only those still without a valid dose', async () => {
    const { db } = test.database;
    // The November letters went out five months ago (as seen from the reminder run's day).
    const reminderDay = '2027-04-25';
    await db
      .updateTable('invitation_letter')
      .set({ created_at: new Date('2026-11-20T08:00:00Z') })
      .execute();
    // Bram got his first DKTP-Hib-HepB after all.
    await db
      .insertInto('vaccination_event')
      .values({
        person_id: people.Bram!,
        organisation_ura: ORG,
        activity_id: 'BRAM1',
        activity_type: '01',
        activity_date: '2026-11-25',
        version: 1,
        vaccine_type: '11',
        vaccination_date: '2026-11-25',
        batch_number: 'B',
        performer: 'GGD',
        location: 'U',
        objection: null,
      })
      .execute();
    const run = await runInvitations(db, {
      kind: 'reminder',
      from: reminderDay,
      to: reminderDay,
      startedBy: 'rivm',
      today: reminderDay,
    });
    const reminded = await db
      .selectFrom('invitation as i')
      .innerJoin('person as p', 'p.id', 'i.person_id')
      .select(['p.given_name', 'i.vaccine_group', 'i.follows_invitation_id'])
      .where('i.kind', '=', 'reminder')
      .execute();
    expect(new Set(reminded.map((r) => r.given_name))).toContain('Anna');
    expect(reminded.filter((r) => r.given_name === 'Bram').map((r) => r.vaccine_group)).not.toContain('DTaP');
    expect(reminded.every((r) => r.follows_invitation_id)).toBe(true);
    expect(run.letters).toBeGreaterThan(0);
  });

  it('gives an organisation its call list (bericht 7), signed, whatever the consent', async () => {
    const key = await newSigningKey(ORG);
    const other = await newSigningKey('90000102');
    const listApp = await createRegistryApp({
      database: test.database,
      logLevel: 'silent',
      today: () => TODAY,
      trustedKeys: () => localKeys([key.publicJwk, other.publicJwk]),
    });
    try {
      const ask = async (signer: typeof key, payload: object) =>
        listApp.inject({
          method: 'POST',
          url: '/api/exchange/call-list',
          payload: { request: await signPayload(payload, signer) },
        });
      const response = await ask(key, {
        schema: 'open-rvp/call-list/v1',
        organisationUra: ORG,
        from: '2026-11-01',
        to: '2026-11-30',
      });
      expect(response.statusCode, response.body).toBe(200);
      const names = new Set(response.json().items.map((i: { name: string }) => i.name));
      expect(names).toContain('Anna Test');
      expect(names).not.toContain('Cas Test'); // deceased
      expect(names).not.toContain('Dewi Test'); // complete for what is due
      // Another organisation cannot ask for this one's list.
      const forged = await ask(other, {
        schema: 'open-rvp/call-list/v1',
        organisationUra: ORG,
        from: '2026-11-01',
        to: '2026-11-30',
      });
      expect(forged.statusCode).toBe(400);
    } finally {
      await listApp.close();
    }
  });

  it('selects a group session only 3 to 4 weeks before its first date', async () => {
    const tooLate = await app.inject({
      method: 'POST',
      url: '/api/invitation-runs',
      headers,
      payload: {
        kind: 'group-session',
        from: TODAY,
        to: '2026-12-01',
        sessionDate: '2026-12-01',
        organisationUra: ORG,
      },
    });
    expect(tooLate.statusCode).toBe(422);
    expect(tooLate.json().errors[0].rule).toBe('group-session-selection-window');
  });
});
