/**
 * Group sessions end to end over HTTP on both backends (issue 9; SPEC §6): a planner plans a session
 * for a school cohort, makes the consent-request letters (a real PDF), a returned card is scanned and
 * answered, a custodian consents by phone at the desk (verified with the last 3 digits of both BSNs),
 * the youth are checked in and vaccinated in bulk with the preset batch, and the nightly delivery
 * takes the vaccinations to the registry (personalised with consent, anonymous without). Then the
 * sweeps on the same dossier: on demand, the monthly job as the service schedules it, and `rvp sweeps`.
 * One app and database per backend for all cases (the cases build on each other).
 */
import type { AddressInfo } from 'node:net';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDossierApp } from '../../src/dossier/app.js';
import { makeBsn } from '../../src/domain/identifiers/index.js';
import { parseScannedCode } from '../../src/domain/sessions/index.js';
import { runSweepsCommand, type SweepsCommandOptions } from '../../src/cli/sweeps.js';
import { runMonthlySweeps, startMonthlySweeps } from '../../src/dossier/sweeps.js';
import { signingKeyFor } from '../../src/exchange/keys.js';
import { ExchangeSender } from '../../src/exchange/sender.js';
import { remoteKeys } from '../../src/exchange/signing.js';
import type { App } from '../../src/http/app.js';
import { createRegistryApp } from '../../src/registry/app.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { clientRow, ORG_A, seedTwoOrganisations, USER_A, USER_B } from '../support/fixtures.js';
import { signIn, testPasswordHash } from '../support/session.js';

const BSN = Array.from({ length: 10 }, (_, i) => makeBsn(8_100_000 + i));
const PLANNER = 'a-planner';
const TODAY = '2026-11-23';

describe.each(BACKENDS)('group sessions and sweeps on %s', (backend) => {
  let dossierDb: TestDatabase<'dossier'>;
  let registryDb: TestDatabase<'registry'>;
  let dossier: App;
  let registry: App;
  let nurse: Record<string, string>;
  let planner: Record<string, string>;
  const ids: Record<string, string> = {};
  const custodians: Record<string, string> = {};
  let sessionId = '';

  beforeAll(async () => {
    // The backend under test is the dossier's. The registry is only the exchange's counterpart (its
    // intake is tested on both backends in exchange.test.ts), so it always runs on the PostgreSQL
    // server: a fresh PGlite registry would cost a second migrated template (~10 s) for nothing new.
    [dossierDb, registryDb] = await Promise.all([
      createTestDatabase(backend, 'dossier'),
      createTestDatabase('postgres', 'registry'),
    ]);
    const { db } = dossierDb.database;
    await seedTwoOrganisations(db);
    await db
      .insertInto('staff_user')
      .values({
        id: PLANNER,
        name: 'Planner A',
        organisation_ura: ORG_A.ura,
        role: 'jgz-planner',
        password_hash: await testPasswordHash(),
        locked_until: null,
      })
      .execute();
    const youth = [
      // The cohort: born in 2016, living in Utrecht (GM0344): HPV is due at 10.
      ['Noor', BSN[0]!, '2016-05-10', 'GM0344'],
      ['Bram', BSN[1]!, '2016-02-29', 'GM0344'],
      ['Zoë', BSN[2]!, '2016-12-31', 'GM0344'],
      // Outside: another municipality, another year.
      ['Amstel', BSN[3]!, '2016-06-01', 'GM0363'],
      ['Ouder', BSN[4]!, '2015-12-31', 'GM0344'],
      // For the sweeps: turned 12 in October 2026, turning 16 in January 2027, 13 and unregistered.
      ['Twaalf', BSN[5]!, '2014-10-31', 'GM0344'],
      ['Zestien', BSN[6]!, '2011-01-15', 'GM0344'],
      ['Dertien', BSN[7]!, '2013-03-01', 'GM0344'],
    ] as const;
    const rows = await db
      .insertInto('client')
      .values(
        youth.map(([name, bsn, birth, municipality], i) =>
          clientRow(ORG_A.ura, 100 + i, {
            given_name: name,
            family_name: 'Test',
            bsn,
            birth_date: birth,
            municipality_code: municipality,
          }),
        ),
      )
      .returning(['id', 'given_name'])
      .execute();
    for (const r of rows) ids[r.given_name] = r.id;
    // One custodian each, with a BSN (for the phone check).
    for (const [i, [name]] of youth.entries()) {
      const person = await db
        .insertInto('related_person')
        .values({
          organisation_ura: ORG_A.ura,
          bsn: makeBsn(8_200_000 + i),
          given_name: `Ouder van ${name}`,
          name_prefix: null,
          family_name: 'Test',
          gender: '2',
          birth_date: '1980-01-01',
          phone: name === 'Bram' ? '06-12345678' : null, // the call list shows it; Zoë's is unknown
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      custodians[name] = person.id;
      await db
        .insertInto('client_relation')
        .values({ client_id: ids[name]!, person_id: person.id, relation: 'parent', has_custody: true })
        .execute();
    }
    // Zestien: custodian said no, the youth yes — the decision changes on the 16th birthday.
    await db
      .insertInto('consent_record')
      .values([
        {
          client_id: ids.Zestien!,
          organisation_ura: ORG_A.ura,
          agreed: false,
          source_person_id: custodians.Zestien!,
          source: '03',
          consent_date: '2023-01-01',
          method: 'written',
          note: null,
          registered_by: USER_A,
        },
        {
          client_id: ids.Zestien!,
          organisation_ura: ORG_A.ura,
          agreed: true,
          source_person_id: null,
          source: '01',
          consent_date: '2024-01-01',
          method: 'written',
          note: null,
          registered_by: USER_A,
        },
        // Twaalf: the custodian agreed long ago; their own consent is missing now.
        {
          client_id: ids.Twaalf!,
          organisation_ura: ORG_A.ura,
          agreed: true,
          source_person_id: custodians.Twaalf!,
          source: '03',
          consent_date: '2020-01-01',
          method: 'written',
          note: null,
          registered_by: USER_A,
        },
      ])
      .execute();
    await registryDb.database.db
      .insertInto('person')
      .values(
        youth.map(([, bsn, birth]) => ({
          bsn,
          source: 'brp' as const,
          given_name: 'X',
          name_prefix: null,
          family_name: 'Y',
          gender: '2' as const,
          birth_date: birth,
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

    let registryUrl = '';
    const sender = new ExchangeSender({
      db,
      registryUrl: () => registryUrl,
      today: () => TODAY,
      backoffMs: () => 60_000,
    });
    dossier = await createDossierApp({
      database: dossierDb.database,
      logLevel: 'silent',
      today: () => TODAY,
      exchange: { sender, registryUrl: () => registryUrl },
    });
    await dossier.listen({ host: '127.0.0.1', port: 0 });
    await signingKeyFor(db, ORG_A.ura);
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
    [nurse, planner] = await Promise.all([signIn(dossier, USER_A), signIn(dossier, PLANNER)]);
  });
  afterAll(async () => {
    await dossier?.close();
    await registry?.close();
    await dossierDb?.drop();
    await registryDb?.drop();
  });

  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    dossier.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const pdfCall = (url: string, payload: object) =>
    call('POST', url, { ...planner, accept: 'application/pdf' }, payload);

  const plan = {
    name: 'HPV groep 7 Utrecht',
    location: 'Sporthal De Dreef, Utrecht',
    contact: 'JGZ-lijn 030 123 45 67 (werkdagen 9–17 uur) of jgz@example.nl',
    dates: [TODAY],
    vaccines: [{ vaccineType: '09', batchNumber: 'HPV-2026-17' }],
    cohort: { birthFrom: '2016-01-01', birthTo: '2016-12-31', municipalityCodes: ['GM0344'], onlyDue: true },
  };

  it('only a planner plans; bad input is a 4xx naming field and rule', async () => {
    expect((await call('POST', '/api/group-sessions', nurse, plan)).statusCode).toBe(403);
    const past = await call('POST', '/api/group-sessions', planner, { ...plan, dates: ['2026-11-01'] });
    expect(past.statusCode).toBe(422);
    expect(past.json().errors[0]).toMatchObject({ field: 'body.dates[0]', rule: 'session-date-not-past' });
    const twice = await call('POST', '/api/group-sessions', planner, {
      ...plan,
      vaccines: [plan.vaccines[0], plan.vaccines[0]],
    });
    expect(twice.json().errors[0]).toMatchObject({ rule: 'vaccine-once' });
    expect(
      (
        await call('POST', '/api/group-sessions', planner, {
          ...plan,
          cohort: { ...plan.cohort, municipalityCodes: ['x'] },
        })
      ).statusCode,
    ).toBe(400);
    expect(await dossierDb.database.db.selectFrom('group_session').select('id').execute()).toHaveLength(0);
  });

  it('plans a session: the cohort is born in range, in Utrecht, with HPV due', async () => {
    const response = await call('POST', '/api/group-sessions', planner, plan);
    expect(response.statusCode, response.body).toBe(201);
    sessionId = response.json().id;
    const session = (await call('GET', `/api/group-sessions/${sessionId}`, planner)).json();
    expect(session.members.map((m: { name: string }) => m.name).sort()).toEqual([
      'Bram Test',
      'Noor Test',
      'Zoë Test',
    ]);
    for (const m of session.members) {
      expect(m).toMatchObject({ decision: 'geen-toestemming', missing: ['custodians'], advice: 'desk' });
      expect(m.due).toEqual([{ vaccineType: '09', status: 'due', earliest: expect.any(String) }]);
    }
    // Another organisation does not see it.
    const other = await signIn(dossier, USER_B);
    expect((await call('GET', `/api/group-sessions/${sessionId}`, other)).statusCode).toBe(404);
  });

  let codes: string[] = [];
  it('consent-request letters: a real PDF, one letter and card per custodian, codes that scan', async () => {
    const response = await pdfCall(`/api/group-sessions/${sessionId}/letters`, { kind: 'request' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['x-rvp-letters']).toBe('3');
    const pdf = await PDFDocument.load(response.rawPayload);
    expect(pdf.getPageCount()).toBe(6); // letter + response card, for three custodians
    const rows = await dossierDb.database.db
      .selectFrom('consent_request')
      .selectAll()
      .where('session_id', '=', sessionId)
      .execute();
    expect(rows.map((r) => r.recipient_person_id).sort()).toEqual(
      [custodians.Noor, custodians.Bram, custodians['Zoë']].sort(),
    );
    codes = rows.map((r) => r.code);
    for (const code of codes) expect(parseScannedCode(code)).toEqual({ ok: true, code });
    // A second run writes to nobody new.
    const again = await pdfCall(`/api/group-sessions/${sessionId}/letters`, { kind: 'request' });
    expect(again.headers['x-rvp-letters']).toBe('0');
  });

  it('a returned card is scanned and answered; a typo or a wrong person is refused and writes nothing', async () => {
    const noorCode = (
      await dossierDb.database.db
        .selectFrom('consent_request')
        .select('code')
        .where('client_id', '=', ids.Noor!)
        .executeTakeFirstOrThrow()
    ).code;
    const typo = noorCode.slice(0, 5) + (noorCode[5] === '7' ? '8' : '7') + noorCode.slice(6);
    expect((await call('GET', `/api/consent-cards/${typo}`, planner)).json().errors[0].rule).toMatch(
      /code-check|not-found/,
    );
    const card = await call('GET', `/api/consent-cards/${noorCode.toLowerCase()}`, planner);
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json()).toMatchObject({
      client: { id: ids.Noor },
      recipient: { personId: custodians.Noor, role: 'custodian' },
    });
    const wrong = await call('POST', `/api/consent-cards/${noorCode}/answers`, planner, {
      date: TODAY,
      answers: [
        { personId: custodians.Noor, agreed: true, source: '03' },
        { personId: 'self', agreed: true, source: '01' },
      ],
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'body.answers[1]', rule: 'may-consent' });
    expect(
      await dossierDb.database.db
        .selectFrom('consent_record')
        .select('id')
        .where('client_id', '=', ids.Noor!)
        .execute(),
    ).toHaveLength(0);
    const answered = await call('POST', `/api/consent-cards/${noorCode}/answers`, planner, {
      date: TODAY,
      answers: [{ personId: custodians.Noor, agreed: true, source: '03' }],
    });
    expect(answered.statusCode, answered.body).toBe(201);
    expect(answered.json()).toMatchObject({ registered: 1, decision: 'toestemming' });
  });

  it('reminders and the call list go to who did not answer', async () => {
    const list = (
      await call('GET', `/api/group-sessions/${sessionId}/call-list?graceDays=0`, planner)
    ).json();
    expect(list.items.map((m: { name: string }) => m.name).sort()).toEqual(['Bram Test', 'Zoë Test']);
    const custodiansOf = (name: string) =>
      list.items.find((m: { name: string }) => m.name === name).custodians as Array<Record<string, unknown>>;
    expect(custodiansOf('Bram Test')).toEqual([
      { id: custodians.Bram, name: 'Ouder van Bram Test', phone: '06-12345678' },
    ]);
    expect(custodiansOf('Zoë Test')).toEqual([
      { id: custodians['Zoë'], name: 'Ouder van Zoë Test', phone: null },
    ]);
    const reminders = await pdfCall(`/api/group-sessions/${sessionId}/letters`, {
      kind: 'reminder',
      graceDays: 0,
    });
    expect(reminders.headers['x-rvp-letters']).toBe('2');
    const confirmation = await pdfCall(`/api/group-sessions/${sessionId}/letters`, { kind: 'confirmation' });
    expect(confirmation.headers['x-rvp-letters']).toBe('1'); // Noor's custodian: her decision is complete
  });

  it('the day: check-in by code and by name; the desk takes a custodian by phone after the BSN check', async () => {
    const noorCode = (
      await dossierDb.database.db
        .selectFrom('consent_request')
        .select('code')
        .where('client_id', '=', ids.Noor!)
        .where('kind', '=', 'confirmation')
        .executeTakeFirstOrThrow()
    ).code;
    const byCode = (
      await call('GET', `/api/group-sessions/${sessionId}/check-in?code=${noorCode}`, nurse)
    ).json();
    expect(byCode.items).toHaveLength(1);
    expect(byCode.items[0]).toMatchObject({
      name: 'Noor Test',
      decision: 'toestemming',
      advice: 'vaccinate',
    });
    const byName = (await call('GET', `/api/group-sessions/${sessionId}/check-in?search=bram`, nurse)).json();
    expect(byName.items[0]).toMatchObject({ name: 'Bram Test', advice: 'desk' });
    expect(
      (await call('POST', `/api/group-sessions/${sessionId}/members/${ids.Noor}/check-in`, nurse, {})).json()
        .checkedInAt,
    ).not.toBeNull();

    const custodianBsn = makeBsn(8_200_001);
    const wrong = await call(
      'POST',
      `/api/group-sessions/${sessionId}/members/${ids.Bram}/phone-consent`,
      nurse,
      {
        personId: custodians.Bram,
        custodianBsnLast3: '000',
        youthBsnLast3: BSN[1]!.slice(-3),
        agreed: true,
        source: '03',
      },
    );
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors.map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`)).toEqual(
      custodianBsn.endsWith('000') ? [] : ['body.custodianBsnLast3:bsn-last-3-mismatch'],
    );
    expect(
      await dossierDb.database.db
        .selectFrom('consent_record')
        .select('id')
        .where('client_id', '=', ids.Bram!)
        .execute(),
    ).toHaveLength(0);
    const ok = await call(
      'POST',
      `/api/group-sessions/${sessionId}/members/${ids.Bram}/phone-consent`,
      nurse,
      {
        personId: custodians.Bram,
        custodianBsnLast3: custodianBsn.slice(-3),
        youthBsnLast3: BSN[1]!.slice(-3),
        agreed: true,
        source: '03',
      },
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().decision).toBe('toestemming');
    const record = await dossierDb.database.db
      .selectFrom('consent_record')
      .selectAll()
      .where('client_id', '=', ids.Bram!)
      .executeTakeFirstOrThrow();
    expect(record.method).toBe('phone');
    // Zoë is not vaccinated: recorded with a reason.
    const zoe = await call('POST', `/api/group-sessions/${sessionId}/members/${ids['Zoë']}/check-in`, nurse, {
      notVaccinated: { reason: 'unwell' },
    });
    expect(zoe.json().advice).toBe('not-vaccinated');
  });

  it('bulk vaccination with the preset batch feeds the normal exchange: personalised with consent', async () => {
    expect(
      (
        await call('POST', `/api/group-sessions/${sessionId}/vaccinations`, planner, {
          clientIds: [ids.Noor],
        })
      ).statusCode,
    ).toBe(403);
    const all = [ids.Noor!, ids.Bram!, ids['Zoë']!];
    const response = await call('POST', `/api/group-sessions/${sessionId}/vaccinations`, nurse, {
      clientIds: all,
    });
    expect(response.statusCode, response.body).toBe(200);
    const items = response.json().items as Array<{
      clientId: string;
      outcome: string;
      activityId: string | null;
    }>;
    expect(
      items
        .filter((i) => i.outcome === 'vaccinated')
        .map((i) => i.clientId)
        .sort(),
    ).toEqual([ids.Noor, ids.Bram].sort());
    const vaccinations = await dossierDb.database.db
      .selectFrom('vaccination as v')
      .innerJoin('activity as a', 'a.id', 'v.activity_pk')
      .select(['v.batch_number', 'v.location', 'a.activity_type', 'v.vaccine_type'])
      .execute();
    expect(vaccinations).toEqual([
      { batch_number: 'HPV-2026-17', location: plan.location, activity_type: '02', vaccine_type: '09' },
      { batch_number: 'HPV-2026-17', location: plan.location, activity_type: '02', vaccine_type: '09' },
    ]);
    // Again: nobody is vaccinated twice.
    const again = (
      await call('POST', `/api/group-sessions/${sessionId}/vaccinations`, nurse, { clientIds: all })
    ).json();
    expect(again.items.every((i: { outcome: string }) => i.outcome === 'skipped')).toBe(true);

    const admin = await signIn(dossier, 'a-beheerder');
    const run = await call('POST', '/api/exchange/run', admin);
    expect(run.json()).toMatchObject({ sent: 2, personalised: 2, anonymous: 0 });
    const atRegistry = await registryDb.database.db
      .selectFrom('vaccination_event')
      .select(['activity_id', 'batch_number'])
      .execute();
    expect(atRegistry.map((r) => r.activity_id).sort()).toEqual(
      items
        .filter((i) => i.activityId)
        .map((i) => i.activityId)
        .sort(),
    );
  });

  it('sweeps return the right youth; the monthly job runs once a month; letters once per run', async () => {
    const run = async (kind: string, extra: object = {}) => {
      const response = await call('POST', '/api/sweeps', planner, { kind, ...extra });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as {
        id: string;
        members: Array<{ name: string; birthday?: string; decisionThen?: string }>;
      };
    };
    expect((await run('turned-12')).members.map((m) => m.name)).toEqual(['Twaalf Test']); // 31 October
    const sixteen = await run('turning-16', { months: 2 });
    expect(sixteen.members).toEqual([
      expect.objectContaining({ name: 'Zestien Test', birthday: '2027-01-15', decisionThen: 'toestemming' }),
    ]);
    expect((await run('turning-16', { months: 1 })).members).toEqual([]);
    // Everyone without a needed registration: also the fixture's three children (none registered).
    expect((await run('no-consent')).members.map((m) => m.name).sort()).toEqual([
      'Amstel Test',
      'Daan Jansen',
      'Dertien Test',
      'Emma de Boer',
      'Ouder Test',
      'Sem Bakker',
      'Twaalf Test',
      'Zoë Test',
    ]);
    expect((await run('non-responders', { graceDays: 0 })).members.map((m) => m.name)).toEqual(['Zoë Test']);

    const letters = await pdfCall(`/api/sweeps/${sixteen.id}/letters`, { contact: plan.contact });
    expect(letters.statusCode).toBe(200);
    expect((await PDFDocument.load(letters.rawPayload)).getPageCount()).toBe(2);
    expect((await pdfCall(`/api/sweeps/${sixteen.id}/letters`, { contact: plan.contact })).statusCode).toBe(
      409,
    );

    // The job as the running service schedules it (src/services.ts), started at once here.
    const logged: Array<{ organisationUra: string; kind: string; members: number }> = [];
    const job = startMonthlySweeps(
      dossierDb.database.db,
      () => TODAY,
      {
        info: (obj) => logged.push(obj as (typeof logged)[number]),
        error: (obj) => expect.fail(String((obj as { err: unknown }).err)),
      },
      { firstAfterMs: 0 },
    );
    await vi.waitFor(() => expect(logged).toHaveLength(8), { timeout: 10_000 }); // 2 organisations × 4 kinds
    await job.stop();
    expect(logged.find((r) => r.organisationUra === ORG_A.ura && r.kind === 'turned-12')?.members).toBe(1);
    // Later in the month nothing is made again; the monthly lists are those of October.
    expect(await runMonthlySweeps(dossierDb.database.db, '2026-11-30')).toEqual([]);
    const list = (await call('GET', '/api/sweeps', planner)).json();
    const monthly = list.items.filter((r: { trigger: string }) => r.trigger === 'monthly');
    expect(monthly.map((r: { period: string }) => r.period)).toEqual([
      '2026-10',
      '2026-10',
      '2026-10',
      '2026-10',
    ]);

    // `rvp sweeps`: on demand for one organisation and kind; --monthly is idempotent; bad input is exit 2.
    const lines: string[] = [];
    const errors: string[] = [];
    const cli = (opts: SweepsCommandOptions) =>
      runSweepsCommand(
        dossierDb.database.db,
        opts,
        (l) => lines.push(l),
        (l) => errors.push(l),
      );
    expect(await cli({ kind: 'turned-12', organisation: ORG_A.ura, date: TODAY })).toBe(0);
    expect(lines[1]).toMatch(new RegExp(`^${ORG_A.ura}\\s+turned-12\\s+1 youth  run [0-9a-f-]{36}$`));
    expect(lines.at(-1)).toBe('total: 1 youth in 1 lists');
    expect(await cli({ monthly: true, date: TODAY })).toBe(0);
    expect(lines.at(-1)).toMatch(/exist already/);
    expect(await cli({ date: '2026-02-30' })).toBe(2);
    expect(await cli({ months: '0' })).toBe(2);
    expect(errors).toHaveLength(2);
    const onDemand = (await call('GET', '/api/sweeps', planner)).json().items[0];
    expect(onDemand).toMatchObject({
      kind: 'turned-12',
      trigger: 'on-demand',
      startedBy: 'cli:rvp-sweeps',
      memberCount: 1,
    });
  });
});
